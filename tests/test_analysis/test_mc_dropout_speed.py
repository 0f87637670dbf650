"""mc_dropout_ms_per_image times T dropout passes for T >= 2 and one
deterministic pass for T = 1, each with the resize back."""
from segnet_mm.analysis.mc_dropout_speed import mc_dropout_ms_per_image
from segnet_mm.models.segmentors import MCDropoutEncoderDecoder
from tests.utils import (BAYESIAN_CONFIG, SMALL_MODEL, cfg_options,
                         save_small_checkpoint)


def test_each_t_runs_t_passes(tmp_path, monkeypatch):
    ckpt = save_small_checkpoint(tmp_path / 'bayes.pth',
                                 config=BAYESIAN_CONFIG)
    calls, dropout_on = [], []
    inference = MCDropoutEncoderDecoder.inference

    def counted(self, inputs, metas):
        calls.append(inputs.shape)
        dropout_on.append(any(m.training for m in self.modules()
                              if 'Dropout' in type(m).__name__))
        return inference(self, inputs, metas)

    monkeypatch.setattr(MCDropoutEncoderDecoder, 'inference', counted)
    ms = mc_dropout_ms_per_image(
        str(BAYESIAN_CONFIG), str(ckpt), samples=(1, 3), shape=(32, 64),
        warmup=1, iters=2, cfg_options=cfg_options(SMALL_MODEL))
    assert list(ms) == [1, 3] and all(v > 0 for v in ms.values())
    runs = 1 + 2
    assert len(calls) == runs * 1 + runs * 3
    assert dropout_on == [False] * runs + [True] * (runs * 3)
