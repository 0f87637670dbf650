# mmseg's runtime plus a stop at the first non-finite loss and weights-only
# checkpoint loading that still resumes (SafeCheckpointHook). The plugin is
# imported here, once for every config of ours (mmengine refuses the same
# key in two bases): a config that uses our model or dataset bases without
# this runtime adds `custom_imports = dict(imports=['segnet_mm'])`.
_base_ = ['mmseg::_base_/default_runtime.py']
custom_imports = dict(imports=['segnet_mm'], allow_failed_imports=False)
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='SafeCheckpointHook')
]
