"""The audio stage: foley for silent renders, skipped for backends with their own sound; dialogue carried."""

from __future__ import annotations

import numpy as np

from generation.backends import RenderContext, RenderRequest, RenderResult
from generation.backends.audio import FOLEY_RATE, FoleyAudio, ModelAudio, with_soundtrack
from generation.backends.procedural import ProceduralBackend
from generation.dialogue import dialogue_lines

PROMPT = 'a lighthouse keeper shouts "storm is coming" as waves hit the rocks'


def _request() -> RenderRequest:
    return RenderRequest(
        prompt=PROMPT,
        seed=9,
        duration_s=2,
        width=144,
        height=256,
        fps=12,
        dialogue=tuple(dialogue_lines(PROMPT)),
    )


def test_silent_render_gets_foley_that_follows_the_picture():
    request = _request()
    frames = ProceduralBackend().render(request, RenderContext()).frames
    silent = RenderResult(frames=frames, audio=None, sample_rate=0, model_id="m")
    first = with_soundtrack(request, silent)
    again = with_soundtrack(request, silent)
    assert first.audio is not None
    assert first.audio.shape == (1, 2 * FOLEY_RATE)
    assert first.sample_rate == FOLEY_RATE
    assert np.array_equal(first.audio, again.audio)  # deterministic per seed
    assert float(np.abs(first.audio).max()) <= 1.0
    still = np.repeat(frames[:1], len(frames), axis=0)
    calm = FoleyAudio().render(request, still).audio
    # The sound follows the picture: the same seed over a still picture sounds different.
    assert not np.array_equal(first.audio, calm)
    assert first.model_id == "m"


def test_backends_with_their_own_sound_skip_the_stage():
    request = _request()
    own = ProceduralBackend().render(request, RenderContext())
    assert with_soundtrack(request, own) is own


def test_dialogue_reaches_the_audio_model_prompt():
    request = _request()
    assert request.dialogue == ("storm is coming",)
    assert ModelAudio.text(request) == f'{PROMPT}. Dialogue: "storm is coming"'


def _tiny_text_to_audio(path) -> None:
    """A random-weight VITS text-to-speech model with a character vocabulary written here (no hub)."""
    import json

    import torch
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    chars = list(" abcdefghijklmnopqrstuvwxyz.,;:'\"!?")
    vocab = {c: i for i, c in enumerate(["<pad>", "<unk>", *chars])}
    (path / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = VitsTokenizer(
        str(path / "vocab.json"), pad_token="<pad>", unk_token="<unk>", add_blank=True, phonemize=False
    )
    torch.manual_seed(0)
    config = VitsConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        ffn_dim=32,
        flow_size=16,
        spectrogram_bins=33,
        upsample_initial_channel=16,
        upsample_rates=[4, 4],
        upsample_kernel_sizes=[8, 8],
        resblock_kernel_sizes=[3],
        resblock_dilation_sizes=[[1, 3]],
        prior_encoder_num_flows=1,
        prior_encoder_num_wavenet_layers=1,
        posterior_encoder_num_wavenet_layers=1,
        duration_predictor_num_flows=1,
        duration_predictor_filter_channels=16,
        depth_separable_num_layers=1,
        sampling_rate=16000,
    )
    VitsModel(config).eval().save_pretrained(path)
    tokenizer.save_pretrained(path)


def test_a_configured_audio_model_voices_the_clip(tmp_path, settings):
    """GENERATION_AUDIO_BACKEND=model loads the text-to-audio model from its directory once and
    fits its sound to the clip's length; the lines it was asked to voice become the transcript."""
    from generation.backends import audio

    model_dir = tmp_path / "tiny-vits"
    model_dir.mkdir()
    _tiny_text_to_audio(model_dir)
    settings.GENERATION_AUDIO_BACKEND = "model"
    settings.GENERATION_AUDIO_MODEL_PATH = str(model_dir)
    settings.GENERATION_DIFFUSERS_DEVICE = "cpu"
    audio._instances.pop("model", None)
    try:
        request = _request()
        frames = ProceduralBackend().render(request, RenderContext()).frames
        silent = RenderResult(frames=frames, audio=None, sample_rate=0, model_id="m")
        voiced = with_soundtrack(request, silent)
        assert voiced.sample_rate == 16000
        assert voiced.audio is not None
        assert voiced.audio.shape == (1, 2 * 16000)  # 2 s at the model's rate, looped or cut to fit
        assert np.isfinite(voiced.audio).all()
        assert float(np.abs(voiced.audio).max()) <= 1.0
        assert float(np.abs(voiced.audio).max()) > 0.0
        assert voiced.transcript == "storm is coming"
        assert audio.get_audio_backend() is audio.get_audio_backend()  # one load per process
        assert audio.get_audio_backend().render(request, frames).model_id == "audio:tiny-vits"
    finally:
        audio._instances.pop("model", None)
