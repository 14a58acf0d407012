#pragma once
// Layers that OpenCV 4.6's DNN module lacks in a fast form, for the converted PP-OCR graphs
// (scripts/ppocr_convert.py writes them as custom operators).
//
// XuejiDepthwiseConv: depthwise convolution (one filter per channel, any kernel size, stride and
// padding per axis, optional bias). OpenCV 4.6 runs kernels larger than 3x3 as a GEMM per
// channel, which took 40 % of the PP-OCRv4 recognizer's time.
//
// XuejiPointwise: a run of element-wise steps with scalar constants (multiply, add, clip,
// hard-swish, ReLU, sigmoid, hard sigmoid) in one pass over memory; OpenCV runs each step as a
// layer of its own, a pass over the whole tensor each (a third of the recognizer's time).

namespace xueji {

// Makes the layers known to OpenCV's layer factory (process-wide, idempotent, thread-safe).
// Call before reading a graph that uses them.
void register_dnn_layers();

}  // namespace xueji
