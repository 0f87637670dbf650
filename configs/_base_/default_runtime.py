# mmseg's runtime plus a stop at the first non-finite loss.
_base_ = ['mmseg::_base_/default_runtime.py']
custom_hooks = [dict(type='NonFiniteLossHook')]
