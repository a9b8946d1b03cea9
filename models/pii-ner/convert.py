"""Convert the published 4-bit Rampart model to 8-bit dynamic quantization.

The wheel ships `model_q4.onnx`, whose linear layers are `MatMulNBits` (4-bit blocks with one
scale per block). ONNX Runtime's CPU kernels for 8-bit dynamic quantization are about twice as fast
on x86 (measured in models/README.md), so the fetch rebuilds the weights:

1. dequantize every MatMulNBits node to an fp32 MatMul (exact: the same numbers the 4-bit kernel
   uses), then
2. quantize the MatMuls dynamically to int8 (`onnxruntime.quantization.quantize_dynamic`, per
   tensor, signed weights).

Deterministic: the same input and package versions give a byte-identical file, whose sha256 is
pinned in models/pii-ner/manifest.json.

    python convert.py model_q4.onnx model.int8.onnx
"""

import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper


def dequantize_matmulnbits(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    nodes = []
    replaced = set()
    new_inits = []
    for node in graph.node:
        if node.op_type != "MatMulNBits":
            nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        k, n, bits, block = attrs["K"], attrs["N"], attrs.get("bits", 4), attrs["block_size"]
        if bits != 4:
            raise SystemExit(f"{node.name}: {bits}-bit MatMulNBits is not supported")
        packed = numpy_helper.to_array(inits[node.input[1]])
        scales = numpy_helper.to_array(inits[node.input[2]]).astype(np.float32)
        blocks = (k + block - 1) // block
        packed = packed.reshape(n, blocks, block // 2)
        q = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(n, blocks, block).astype(np.float32)
        if len(node.input) > 3 and node.input[3]:
            zp = numpy_helper.to_array(inits[node.input[3]])
            if zp.dtype == np.uint8:
                zp = zp.reshape(n, -1)
                zp = np.stack([zp & 0x0F, zp >> 4], axis=-1).reshape(n, -1)[:, :blocks]
            zp = zp.reshape(n, blocks).astype(np.float32)
        else:
            zp = np.full((n, blocks), 8.0, np.float32)
        w = (q - zp[:, :, None]) * scales.reshape(n, blocks)[:, :, None]
        w = np.ascontiguousarray(w.reshape(n, blocks * block)[:, :k].T)  # [K, N]
        name = node.input[1] + "_fp32"
        new_inits.append(numpy_helper.from_array(w, name))
        replaced.update(x for x in node.input[1:] if x)
        has_bias = len(node.input) > 4 and bool(node.input[4])
        out = node.output[0] + "_nobias" if has_bias else node.output[0]
        nodes.append(helper.make_node("MatMul", [node.input[0], name], [out], name=node.name + "_fp32"))
        if has_bias:
            nodes.append(helper.make_node("Add", [out, node.input[4]], [node.output[0]], name=node.name + "_bias"))
    used = {x for nd in nodes for x in nd.input}
    keep = [i for i in graph.initializer if i.name not in replaced or i.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(keep + new_inits)
    return model


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = dequantize_matmulnbits(onnx.load(src))
    with tempfile.TemporaryDirectory() as tmp:
        mid = os.path.join(tmp, "model.fp32.onnx")
        onnx.save(fp32, mid)
        quantize_dynamic(mid, dst, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])


if __name__ == "__main__":
    main()
