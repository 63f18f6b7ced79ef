"""Small ONNX models with the SCRFD and ArcFace signatures, built with onnx.helper.

They are not trained networks, but they exercise every line of the
insightface backend (letterboxing, decoding three strides × two anchors,
NMS, five-point alignment, embedding) with known answers:

- the detector scores each stride-32 cell by its mean brightness, so a white
  32×32 square aligned to the grid on a black image is one "face" whose box is
  the cell, with five landmarks at fixed places inside it; strides 8 and 16
  never fire;
- the recogniser pools the 112×112 crop to 14×14 and projects it with a fixed
  random matrix to 512 dims: the same crop gives the same embedding,
  different crops different ones.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Landmark offsets inside a detected cell, in units of the stride.
KPS = [0.3, 0.35, 0.7, 0.35, 0.5, 0.55, 0.35, 0.75, 0.65, 0.75]


def build_scrfd(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper

    nodes = [helper.make_node("ReduceMean", ["input.1"], ["gray"], axes=[1], keepdims=1)]
    inits = [
        helper.make_tensor("box_d", TensorProto.FLOAT, [1, 4], [0.0, 0.0, 1.0, 1.0]),
        helper.make_tensor("kps_d", TensorProto.FLOAT, [1, 10], KPS),
        helper.make_tensor("gain_on", TensorProto.FLOAT, [], [10.0]),
        helper.make_tensor("gain_off", TensorProto.FLOAT, [], [0.0]),
        helper.make_tensor("bias_off", TensorProto.FLOAT, [], [-10.0]),
        helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
        helper.make_tensor("col", TensorProto.INT64, [2], [-1, 1]),
    ]
    outputs = {"score": [], "bbox": [], "kps": []}
    for stride in (8, 16, 32):
        s = str(stride)
        gain = "gain_on" if stride == 32 else "gain_off"
        nodes += [
            helper.make_node(
                "AveragePool", ["gray"], [f"pool{s}"], kernel_shape=[stride, stride], strides=[stride, stride]
            ),
            helper.make_node("Mul", [f"pool{s}", gain], [f"logit{s}"]),
        ]
        logit = f"logit{s}"
        if stride != 32:
            nodes.append(helper.make_node("Add", [f"logit{s}", "bias_off"], [f"logitb{s}"]))
            logit = f"logitb{s}"
        nodes += [
            helper.make_node("Sigmoid", [logit], [f"sig{s}"]),
            # [1,1,h,w] → [1,h,w,1] → two anchors per position → [N,1], anchor fastest.
            helper.make_node("Transpose", [f"sig{s}"], [f"t{s}"], perm=[0, 2, 3, 1]),
            helper.make_node("Concat", [f"t{s}", f"t{s}"], [f"a{s}"], axis=3),
            helper.make_node("Reshape", [f"a{s}", "col"], [f"score_{s}"]),
            helper.make_node("Mul", [f"score_{s}", "zero"], [f"z{s}"]),
            helper.make_node("Add", [f"z{s}", "box_d"], [f"bbox_{s}"]),
            helper.make_node("Add", [f"z{s}", "kps_d"], [f"kps_{s}"]),
        ]
        outputs["score"].append(helper.make_tensor_value_info(f"score_{s}", TensorProto.FLOAT, ["n" + s, 1]))
        outputs["bbox"].append(helper.make_tensor_value_info(f"bbox_{s}", TensorProto.FLOAT, ["n" + s, 4]))
        outputs["kps"].append(helper.make_tensor_value_info(f"kps_{s}", TensorProto.FLOAT, ["n" + s, 10]))
    graph = helper.make_graph(
        nodes,
        "scrfd_test",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, "h", "w"])],
        outputs["score"] + outputs["bbox"] + outputs["kps"],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def build_arcface(path: Path, *, seed: int = 7) -> Path:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = np.random.default_rng(seed).normal(0, 1, (3 * 14 * 14, 512)).astype(np.float32)
    nodes = [
        helper.make_node("AveragePool", ["input.1"], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "proj"], ["683"]),
    ]
    graph = helper.make_graph(
        nodes,
        "arcface_test",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, 112, 112])],
        [helper.make_tensor_value_info("683", TensorProto.FLOAT, [1, 512])],
        [numpy_helper.from_array(weights, name="proj")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def build_pack(directory: Path) -> Path:
    """A model directory laid out like insightface's packs."""
    directory.mkdir(parents=True, exist_ok=True)
    build_scrfd(directory / "det_10g.onnx")
    build_arcface(directory / "w600k_r50.onnx")
    return directory
