#!/usr/bin/env python3
"""Converts the PP-OCRv4 recognition graph into graphs OpenCV 4.6's DNN module runs.

  /usr/bin/python3 scripts/ppocr_convert.py REC.onnx OUT_DIR WIDTH...
  /usr/bin/python3 scripts/ppocr_convert.py det DET.onnx OUT.onnx

Run once at install time (scripts/install-models.sh); needs python3-onnx and python3-numpy.

Design notes. OpenCV 4.6 refuses the graph as shipped: its input width is dynamic and a chain of
Shape/Cast/Slice/Concat nodes computes the Reshape targets from it, and its importer fixes every
shape when the graph is read. So one graph is written per input width (`rec-<W>.onnx`, height
48): the graph is evaluated once on a dummy input of that size (a small NumPy evaluator below,
only the operators these graphs use), every value that depends on shapes alone becomes a
constant, and the nodes that computed it are removed. Then, where OpenCV needs another form:
- a constant operand of Mul/Add/Sub/Div whose shape is not the other operand's (LayerNorm's
  [120] scale on a [1, T, 120] tensor) is broadcast to the full shape: OpenCV's Scale layer
  broadcasts along axis 1 only;
- Pow(x, 2) becomes Mul(x, x) (OpenCV's Power layer is slow);
- depthwise convolutions with kernels larger than 3 become the custom operator
  `XuejiDepthwiseConv` (ocr/dnn_layers.cpp): OpenCV 4.6 has a fast path for 3x3 depthwise only
  and runs 5x5 ones as a per-channel GEMM (40 % of the time);
- the final Softmax over the 6,625 classes is removed: CTC decoding needs the arg max, and the
  recognizer computes the winning probability itself from the logits.
Beside each graph, a random input and the evaluator's logits for it are written
(`rec-<W>.check-in.f32`, `rec-<W>.check-out.f32`): the C++ recognizer's test runs the converted
graph through OpenCV and compares.
"""
import os, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, mapping


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b, a):
    group = a.get('group', 1)
    s = a.get('strides', [1, 1]); p = a.get('pads', [0, 0, 0, 0]); d = a.get('dilations', [1, 1])
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    n, _, h, wd = x.shape; o, cg, kh, kw = w.shape
    oh = (h - d[0] * (kh - 1) - 1) // s[0] + 1; ow = (wd - d[1] * (kw - 1) - 1) // s[1] + 1
    out = np.zeros((n, o, oh, ow), np.float32); og = o // group
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg]
        cols = np.empty((n, cg, kh, kw, oh, ow), np.float32)
        for i in range(kh):
            for j in range(kw):
                cols[:, :, i, j] = xs[:, :, i * d[0]:i * d[0] + s[0] * oh:s[0], j * d[1]:j * d[1] + s[1] * ow:s[1]]
        out[:, g * og:(g + 1) * og] = np.einsum('ok,nkhw->nohw', w[g * og:(g + 1) * og].reshape(og, -1),
                                                 cols.reshape(n, -1, oh, ow))
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def evaluate(model, feeds):
    """Every value of the graph for `feeds` (name -> array)."""
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update(feeds)
    opset = model.opset_import[0].version
    for n in model.graph.node:
        a = attrs(n); x = [env[i] if i else None for i in n.input]; t = n.op_type
        if t == 'Constant': r = numpy_helper.to_array(a['value'])
        elif t == 'Conv': r = conv(x[0], x[1], x[2] if len(x) > 2 else None, a)
        elif t == 'BatchNormalization':
            v, sc, bi, mu, var = x; sh = (1, -1) + (1,) * (v.ndim - 2)
            r = (v - mu.reshape(sh)) / np.sqrt(var.reshape(sh) + a.get('epsilon', 1e-5)) * sc.reshape(sh) + bi.reshape(sh)
        elif t == 'Mul': r = x[0] * x[1]
        elif t == 'Add': r = x[0] + x[1]
        elif t == 'Sub': r = x[0] - x[1]
        elif t == 'Div': r = x[0] / x[1]
        elif t == 'Pow': r = np.power(x[0], x[1])
        elif t == 'Sqrt': r = np.sqrt(x[0])
        elif t == 'Relu': r = np.maximum(x[0], 0)
        elif t == 'Sigmoid': r = 1 / (1 + np.exp(-x[0]))
        elif t == 'HardSigmoid': r = np.clip(a.get('alpha', 0.2) * x[0] + a.get('beta', 0.5), 0, 1)
        elif t == 'Clip':
            lo = x[1] if len(x) > 1 and x[1] is not None else a.get('min', -np.inf)
            hi = x[2] if len(x) > 2 and x[2] is not None else a.get('max', np.inf)
            r = np.clip(x[0], lo, hi)
        elif t == 'GlobalAveragePool': r = x[0].mean(axis=(2, 3), keepdims=True)
        elif t == 'AveragePool':
            k = a['kernel_shape']; s = a.get('strides', k)
            if any(a.get('pads', [0, 0, 0, 0])): raise SystemExit('AveragePool with padding')
            v = x[0]; nb, c, h, w = v.shape; oh = (h - k[0]) // s[0] + 1; ow = (w - k[1]) // s[1] + 1
            r = np.zeros((nb, c, oh, ow), np.float32)
            for i in range(k[0]):
                for j in range(k[1]):
                    r += v[:, :, i:i + s[0] * oh:s[0], j:j + s[1] * ow:s[1]]
            r /= k[0] * k[1]
        elif t == 'Shape': r = np.array(x[0].shape, np.int64)
        elif t == 'Cast': r = x[0].astype(mapping.TENSOR_TYPE_TO_NP_TYPE[a['to']])
        elif t == 'Slice':
            if len(x) > 1:
                starts, ends = x[1], x[2]
                axes = x[3] if len(x) > 3 and x[3] is not None else range(len(starts))
                steps = x[4] if len(x) > 4 and x[4] is not None else [1] * len(starts)
            else:
                starts, ends = a['starts'], a['ends']; axes = a.get('axes', range(len(starts))); steps = [1] * len(starts)
            sl = [slice(None)] * x[0].ndim
            for s0, e0, ax, st in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(s0), int(min(e0, 2 ** 62)), int(st))
            r = x[0][tuple(sl)]
        elif t == 'Concat': r = np.concatenate(x, axis=a['axis'])
        elif t == 'Reshape':
            shape = [x[0].shape[i] if v == 0 else v for i, v in enumerate(x[1])]
            r = x[0].reshape(shape)
        elif t == 'Transpose': r = np.transpose(x[0], a.get('perm'))
        elif t == 'Squeeze':
            axes = a.get('axes')
            r = np.squeeze(x[0], axis=tuple(axes) if axes is not None else None)
        elif t == 'ReduceMean': r = x[0].mean(axis=tuple(a['axes']), keepdims=bool(a.get('keepdims', 1)))
        elif t == 'MatMul': r = np.matmul(x[0], x[1])
        elif t == 'Softmax':
            ax = a.get('axis', 1 if opset < 13 else -1)
            if ax < 0: ax += x[0].ndim
            if opset < 13 and ax != x[0].ndim - 1: raise SystemExit('Softmax over a middle axis')
            e = np.exp(x[0] - x[0].max(axis=ax, keepdims=True)); r = e / e.sum(axis=ax, keepdims=True)
        else:
            raise SystemExit('operator not handled by the converter: ' + t)
        if isinstance(r, np.ndarray) and r.dtype == np.float64:
            r = r.astype(np.float32)
        env[n.output[0]] = r
    return env


# XuejiPointwise programs (ocr/dnn_layers.cpp): opcode, then its constants.
OP_MUL, OP_ADD, OP_HARDSWISH, OP_CLIP, OP_RELU, OP_SIGMOID, OP_HARDSIGMOID = range(7)


def scalar(consts, name):
    v = consts.get(name)
    return float(v.reshape(-1)[0]) if v is not None and v.size == 1 else None


def fuse_pointwise(nodes, consts, outputs):
    """Folds a scalar Mul/Add after a Conv into its weights, and runs of element-wise nodes with
    scalar constants (the affine blocks and hard-swish of PP-LCNetV3) into one XuejiPointwise
    node each: OpenCV runs every one of them as a pass over memory (a third of the time)."""
    consumers = {}
    for n in nodes:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    producer = {n.output[0]: n for n in nodes}
    dead = set()

    def only(t):
        c = consumers.get(t, [])
        return c[0] if len(c) == 1 and t not in outputs else None

    def scalar_operand(n):
        if len(n.input) != 2: return None, None
        for k in (0, 1):
            v = scalar(consts, n.input[k])
            if v is not None and n.input[1 - k] not in consts:
                return v, n.input[1 - k]
        return None, None

    # 1. Conv -> Mul(a) -> Add(b): w' = a w, bias' = a bias + b (exact).
    for n in nodes:
        if n.op_type != 'Conv' or id(n) in dead: continue
        while True:
            nxt = only(n.output[0])
            if nxt is None or nxt.op_type not in ('Mul', 'Add'): break
            v, x = scalar_operand(nxt)
            if v is None or x != n.output[0]: break
            w = consts[n.input[1]].astype(np.float32)
            b = consts[n.input[2]].astype(np.float32) if len(n.input) > 2 else np.zeros(w.shape[0], np.float32)
            if nxt.op_type == 'Mul': w, b = w * v, b * v
            else: b = b + v
            wn, bn = n.input[1] + '/folded/' + nxt.name, n.name + '/bias/' + nxt.name
            consts[wn] = w; consts[bn] = b
            del n.input[1:]; n.input.extend([wn, bn])
            # the Conv now writes what the folded node wrote
            out = nxt.output[0]
            consumers[out] = consumers.get(out, [])
            n.output[0] = out
            dead.add(id(nxt))
    nodes = [n for n in nodes if id(n) not in dead]
    consumers = {}
    for n in nodes:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    # 2. Runs of element-wise nodes -> XuejiPointwise.
    def step(t):
        """The element-wise step applied to tensor t: (program, consts, output, nodes) or None."""
        c = consumers.get(t, [])
        if t in outputs: return None
        if len(c) == 1:
            n = c[0]; a = attrs(n)
            if n.op_type in ('Mul', 'Add', 'Sub', 'Div'):
                v, x = scalar_operand(n)
                if v is None or x != t: return None
                if n.op_type == 'Sub':
                    if n.input[0] != t: return None
                    return [OP_ADD], [-v], n.output[0], [n]
                if n.op_type == 'Div':
                    if n.input[0] != t: return None
                    return [OP_MUL], [1.0 / v], n.output[0], [n]
                return [OP_MUL if n.op_type == 'Mul' else OP_ADD], [v], n.output[0], [n]
            if n.op_type == 'Clip' and len(n.input) == 1:
                return [OP_CLIP], [float(a.get('min', -3.4e38)), float(a.get('max', 3.4e38))], n.output[0], [n]
            if n.op_type == 'Relu': return [OP_RELU], [], n.output[0], [n]
            if n.op_type == 'Sigmoid': return [OP_SIGMOID], [], n.output[0], [n]
            if n.op_type == 'HardSigmoid':
                return [OP_HARDSIGMOID], [float(a.get('alpha', 0.2)), float(a.get('beta', 0.5))], n.output[0], [n]
            return None
        if len(c) == 2:  # hard-swish: x * Clip(x + 3, 0, 6) / 6
            add = next((n for n in c if n.op_type == 'Add'), None)
            mul = next((n for n in c if n.op_type == 'Mul'), None)
            if add is None or mul is None: return None
            v, x = scalar_operand(add)
            if v != 3.0 or x != t: return None
            clip = only(add.output[0])
            if clip is None or clip.op_type != 'Clip' or len(clip.input) != 1: return None
            ca = attrs(clip)
            if float(ca.get('min', 0)) != 0.0 or float(ca.get('max', 0)) != 6.0: return None
            if sorted(mul.input) != sorted([t, clip.output[0]]) or only(clip.output[0]) is not mul: return None
            div = only(mul.output[0])
            if div is None or div.op_type != 'Div' or div.input[0] != mul.output[0] or scalar(consts, div.input[1]) != 6.0:
                return None
            return [OP_HARDSWISH], [], div.output[0], [add, clip, mul, div]
        return None

    out_nodes = []
    starts = [nodes[0].input[0]] + [n.output[0] for n in nodes]
    chains = {}
    for t in starts:
        prog, cs, members, cur = [], [], [], t
        while True:
            s_ = step(cur)
            if s_ is None: break
            prog += s_[0]; cs += s_[1]; members += s_[3]; cur = s_[2]
        if len(members) >= 2 or (members and prog[0] == OP_HARDSWISH):
            chains[t] = (prog, cs, cur, members)
    # keep chains that don't overlap (a chain found from inside another is a suffix of it)
    claimed = set()
    for t in starts:
        if t in chains and not any(id(m) in claimed for m in chains[t][3]):
            for m in chains[t][3]: claimed.add(id(m))
        elif t in chains:
            del chains[t]
    first = {id(members[0]): (t, prog, cs, out) for t, (prog, cs, out, members) in chains.items()}
    for n in nodes:
        if id(n) in claimed:
            if id(n) in first:
                t, prog, cs, out = first[id(n)]
                out_nodes.append(helper.make_node('XuejiPointwise', [t], [out], name=n.name + '/pointwise',
                                                      program=prog, consts=cs + [0.0]))
            continue
        out_nodes.append(n)
    return out_nodes


def to_custom_depthwise(n, consts):
    """A depthwise Conv with a kernel larger than 3 becomes XuejiDepthwiseConv (in place)."""
    a = attrs(n); w = consts[n.input[1]]
    if a.get('group', 1) == w.shape[0] and w.shape[1] == 1 and max(w.shape[2:]) > 3 \
            and list(a.get('dilations', [1, 1])) == [1, 1]:
        keepattrs = {k: a[k] for k in ('strides', 'pads', 'kernel_shape') if k in a}
        del n.attribute[:]
        n.op_type = 'XuejiDepthwiseConv'
        n.attribute.extend(helper.make_attribute(k, v) for k, v in keepattrs.items())


def convert(src, width, height=48):
    model = onnx.load(src); g = model.graph
    x = np.random.default_rng(width).random((1, 3, height, width), dtype=np.float32) * 2 - 1
    env = evaluate(model, {g.input[0].name: x})
    static = {t.name for t in g.initializer}
    for n in g.node:
        if n.op_type in ('Constant', 'Shape') or all(i in static for i in n.input if i):
            static.update(n.output)
    keep = [n for n in g.node if not set(n.output) <= static]
    consts = {i: np.asarray(env[i]) for n in keep for i in n.input if i in static}
    out_name = g.output[0].name
    if keep[-1].op_type == 'Softmax' and keep[-1].output[0] == out_name:
        keep[-1:] = []
        logits = keep[-1].output[0]
    else:
        logits = out_name
    pos = {n.output[0]: k for k, n in enumerate(keep)}
    for n in keep:
        if n.op_type == 'Pow' and n.input[1] in consts and np.all(consts[n.input[1]] == 2):
            n.op_type = 'Mul'; n.input[1] = n.input[0]
        elif n.op_type in ('Mul', 'Add', 'Sub', 'Div') and len(n.input) == 2:
            ci = [k for k, i in enumerate(n.input) if i in consts]
            if len(ci) == 1:
                c = consts[n.input[ci[0]]]; v = env[n.input[1 - ci[0]]]
                if c.size > 1 and c.shape != v.shape:
                    full = np.ascontiguousarray(np.broadcast_to(c, v.shape)[0:1], dtype=np.float32)
                    name = n.input[ci[0]] + '/full/' + n.name
                    consts[name] = full; n.input[ci[0]] = name
        elif n.op_type == 'Conv':
            to_custom_depthwise(n, consts)
    keep = fuse_pointwise(keep, consts, {logits})
    del g.node[:]; g.node.extend(keep)
    del g.initializer[:]
    used = {i for n in keep for i in n.input}
    g.initializer.extend(numpy_helper.from_array(v, k) for k, v in consts.items() if k in used)
    dims = g.input[0].type.tensor_type.shape.dim
    dims[0].dim_value = 1; dims[2].dim_value = height; dims[3].dim_value = width
    shape = env[logits].shape
    del g.output[:]
    g.output.extend([helper.make_tensor_value_info(logits, onnx.TensorProto.FLOAT, list(shape))])
    return model, x, env[logits]


def convert_det(src):
    """The DB text detector: its shapes follow the input's (no Shape chain), so one graph serves
    every page size. OpenCV 4.6 refuses its opset-11 Clip (bounds as inputs): each becomes the
    opset-9 form (bounds as attributes), then the same element-wise fusion and depthwise layer as
    for the recognizer. Weights and the Resize scales become initializers."""
    model = onnx.load(src); g = model.graph
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    nodes = []
    for n in g.node:
        if n.op_type == 'Constant':
            consts[n.output[0]] = numpy_helper.to_array(attrs(n)['value'])
            continue
        nodes.append(n)
    for n in nodes:
        if n.op_type == 'Clip' and len(n.input) == 3:
            lo, hi = scalar(consts, n.input[1]), scalar(consts, n.input[2])
            if lo is None or hi is None:
                raise SystemExit('ppocr_convert: a Clip with bounds that are not constants')
            del n.input[1:]
            n.attribute.extend([helper.make_attribute('min', lo), helper.make_attribute('max', hi)])
        elif n.op_type == 'Conv':
            to_custom_depthwise(n, consts)
    nodes = fuse_pointwise(nodes, consts, {g.output[0].name})
    del g.node[:]; g.node.extend(nodes)
    del g.initializer[:]
    used = {i for n in nodes for i in n.input}
    g.initializer.extend(numpy_helper.from_array(np.asarray(v), k) for k, v in consts.items() if k in used)
    dims = g.input[0].type.tensor_type.shape.dim
    dims[0].dim_value = 1; dims[2].dim_value = 640; dims[3].dim_value = 640  # any multiple of 32 runs
    return model


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'det':
        model = convert_det(sys.argv[2])
        tmp = sys.argv[3] + '.tmp'
        onnx.save(model, tmp)
        os.replace(tmp, sys.argv[3])
        print(f'ppocr_convert: {os.path.basename(sys.argv[3])} ({len(model.graph.node)} nodes)')
        return
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    src, out_dir, widths = sys.argv[1], sys.argv[2], [int(w) for w in sys.argv[3:]]
    os.makedirs(out_dir, exist_ok=True)
    for w in widths:
        model, x, logits = convert(src, w)
        tmp = os.path.join(out_dir, f'.rec-{w}.onnx.tmp')
        onnx.save(model, tmp)
        # A known answer for the C++ side's check (raw float32: input 1x3x48xW, logits 1xTxC).
        x.astype('<f4').tofile(tmp + '.in'); logits.astype('<f4').tofile(tmp + '.out')
        os.replace(tmp + '.in', os.path.join(out_dir, f'rec-{w}.check-in.f32'))
        os.replace(tmp + '.out', os.path.join(out_dir, f'rec-{w}.check-out.f32'))
        os.replace(tmp, os.path.join(out_dir, f'rec-{w}.onnx'))
        print(f'ppocr_convert: rec-{w}.onnx ({len(model.graph.node)} nodes, output {list(logits.shape)})')


if __name__ == '__main__':
    main()
