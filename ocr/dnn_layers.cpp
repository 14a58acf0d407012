#include "ocr/dnn_layers.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

#include <opencv2/dnn.hpp>
#include <opencv2/dnn/layer.details.hpp>
#include <opencv2/dnn/shape_utils.hpp>

namespace xueji {
namespace {

int param_at(const cv::dnn::LayerParams& p, const char* name, int i, int fallback) {
  if (!p.has(name)) return fallback;
  const cv::dnn::DictValue& v = p.get(name);
  return i < v.size() ? v.get<int>(i) : fallback;
}

// One input channel, zero-padded, convolved with its kh x kw filter. The padded copy keeps the
// inner loop free of bounds checks so that it vectorizes.
__attribute__((target_clones("avx2", "default")))
void depthwise_channel(const float* in, int ih, int iw, const float* k, int kh, int kw, float bias,
                       int sy, int sx, int pt, int pl, float* out, int oh, int ow, std::vector<float>& pad) {
  const int pw = (ow - 1) * sx + kw, ph = (oh - 1) * sy + kh;
  pad.assign(static_cast<size_t>(pw) * ph, 0.f);
  for (int y = 0; y < ih; ++y) {
    const int py = y + pt;
    if (py < 0 || py >= ph) continue;
    const int x0 = std::max(0, -pl), x1 = std::min(iw, pw - pl);
    if (x1 > x0) std::copy(in + static_cast<size_t>(y) * iw + x0, in + static_cast<size_t>(y) * iw + x1,
                           pad.data() + static_cast<size_t>(py) * pw + x0 + pl);
  }
  for (int y = 0; y < oh; ++y) {
    float* __restrict o = out + static_cast<size_t>(y) * ow;
    for (int x = 0; x < ow; ++x) o[x] = bias;
    for (int i = 0; i < kh; ++i) {
      const float* row = pad.data() + static_cast<size_t>(y * sy + i) * pw;
      for (int j = 0; j < kw; ++j) {
        const float wv = k[i * kw + j];
        const float* __restrict r = row + j;
        if (sx == 1) {
          for (int x = 0; x < ow; ++x) o[x] += wv * r[x];
        } else {
          for (int x = 0; x < ow; ++x) o[x] += wv * r[x * sx];
        }
      }
    }
  }
}

// One float input, one float output, both contiguous: what both layers are to OpenCV.
class SingleInputLayer : public cv::dnn::Layer {
 public:
  explicit SingleInputLayer(const cv::dnn::LayerParams& params) : Layer(params) { setParamsFrom(params); }

  void forward(cv::InputArrayOfArrays inputs_arr, cv::OutputArrayOfArrays outputs_arr,
               cv::OutputArrayOfArrays) override {
    std::vector<cv::Mat> inputs, outputs;
    inputs_arr.getMatVector(inputs);
    outputs_arr.getMatVector(outputs);
    CV_Assert(inputs.size() == 1 && inputs[0].type() == CV_32F && inputs[0].isContinuous() && outputs[0].isContinuous());
    run(inputs[0], outputs[0]);
  }

 protected:
  virtual void run(const cv::Mat& in, cv::Mat& out) = 0;
};

class DepthwiseConvLayer : public SingleInputLayer {
 public:
  explicit DepthwiseConvLayer(const cv::dnn::LayerParams& params) : SingleInputLayer(params) {
    CV_Assert(!blobs.empty() && blobs[0].dims == 4 && blobs[0].size[1] == 1);
    kh_ = blobs[0].size[2];
    kw_ = blobs[0].size[3];
    // OpenCV's ONNX importer renames the attributes: strides -> stride, pads -> pad (ONNX order:
    // top, left, bottom, right).
    sy_ = param_at(params, "stride", 0, 1);
    sx_ = param_at(params, "stride", 1, sy_);
    pt_ = param_at(params, "pad", 0, 0);
    pl_ = param_at(params, "pad", 1, pt_);
    pb_ = param_at(params, "pad", 2, pt_);
    pr_ = param_at(params, "pad", 3, pl_);
  }

  static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams& params) {
    return cv::makePtr<DepthwiseConvLayer>(params);
  }

  bool getMemoryShapes(const std::vector<cv::dnn::MatShape>& inputs, const int, std::vector<cv::dnn::MatShape>& outputs,
                       std::vector<cv::dnn::MatShape>&) const override {
    CV_Assert(inputs.size() == 1 && inputs[0].size() == 4 && inputs[0][1] == blobs[0].size[0]);
    const cv::dnn::MatShape& s = inputs[0];
    outputs.assign(1, cv::dnn::MatShape{s[0], s[1], (s[2] + pt_ + pb_ - kh_) / sy_ + 1, (s[3] + pl_ + pr_ - kw_) / sx_ + 1});
    return false;
  }

  void run(const cv::Mat& in, cv::Mat& out) override {
    const int n = in.size[0], c = in.size[1], ih = in.size[2], iw = in.size[3];
    const int oh = out.size[2], ow = out.size[3];
    const float* w = blobs[0].ptr<float>();
    const float* b = blobs.size() > 1 ? blobs[1].ptr<float>() : nullptr;
    std::vector<float> pad;
    for (int i = 0; i < n * c; ++i) {
      const int ch = i % c;
      depthwise_channel(in.ptr<float>() + static_cast<size_t>(i) * ih * iw, ih, iw, w + ch * kh_ * kw_, kh_, kw_,
                        b ? b[ch] : 0.f, sy_, sx_, pt_, pl_, out.ptr<float>() + static_cast<size_t>(i) * oh * ow, oh,
                        ow, pad);
    }
  }

 private:
  int kh_ = 1, kw_ = 1, sy_ = 1, sx_ = 1, pt_ = 0, pl_ = 0, pb_ = 0, pr_ = 0;
};

// A run of element-wise steps with scalar constants, in one pass over memory. The program is
// written by scripts/ppocr_convert.py: opcodes (below) and their constants in order.
enum PointwiseOp { kMul, kAdd, kHardSwish, kClip, kRelu, kSigmoid, kHardSigmoid };

struct PointwiseStep {
  int op;
  float a = 0, b = 0;
};

__attribute__((target_clones("avx2", "default")))
void run_pointwise(const PointwiseStep* steps, int n_steps, const float* __restrict in, float* __restrict out, size_t n) {
  constexpr size_t kBlock = 256;  // a block stays in L1 through every step
  for (size_t start = 0; start < n; start += kBlock) {
    const size_t len = std::min(kBlock, n - start);
    float* __restrict o = out + start;
    const float* __restrict x = in + start;
    for (size_t i = 0; i < len; ++i) o[i] = x[i];
    for (int s = 0; s < n_steps; ++s) {
      const float a = steps[s].a, b = steps[s].b;
      switch (steps[s].op) {
        case kMul: for (size_t i = 0; i < len; ++i) o[i] *= a; break;
        case kAdd: for (size_t i = 0; i < len; ++i) o[i] += a; break;
        case kHardSwish:
          for (size_t i = 0; i < len; ++i) o[i] = o[i] * std::min(std::max(o[i] + 3.f, 0.f), 6.f) * (1.f / 6.f);
          break;
        case kClip: for (size_t i = 0; i < len; ++i) o[i] = std::min(std::max(o[i], a), b); break;
        case kRelu: for (size_t i = 0; i < len; ++i) o[i] = std::max(o[i], 0.f); break;
        case kSigmoid: for (size_t i = 0; i < len; ++i) o[i] = 1.f / (1.f + std::exp(-o[i])); break;
        case kHardSigmoid: for (size_t i = 0; i < len; ++i) o[i] = std::min(std::max(a * o[i] + b, 0.f), 1.f); break;
      }
    }
  }
}

class PointwiseLayer : public SingleInputLayer {
 public:
  explicit PointwiseLayer(const cv::dnn::LayerParams& params) : SingleInputLayer(params) {
    CV_Assert(params.has("program") && params.has("consts"));
    const cv::dnn::DictValue& prog = params.get("program");
    const cv::dnn::DictValue& consts = params.get("consts");
    int c = 0;
    auto next = [&] {
      CV_Assert(c < consts.size());
      return static_cast<float>(consts.get<double>(c++));
    };
    for (int i = 0; i < prog.size(); ++i) {
      PointwiseStep s{prog.get<int>(i)};
      CV_Assert(s.op >= kMul && s.op <= kHardSigmoid);
      if (s.op == kMul || s.op == kAdd) s.a = next();
      if (s.op == kClip || s.op == kHardSigmoid) s.a = next(), s.b = next();
      steps_.push_back(s);
    }
  }

  static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams& params) { return cv::makePtr<PointwiseLayer>(params); }

  bool getMemoryShapes(const std::vector<cv::dnn::MatShape>& inputs, const int, std::vector<cv::dnn::MatShape>& outputs,
                       std::vector<cv::dnn::MatShape>&) const override {
    CV_Assert(inputs.size() == 1);
    outputs.assign(1, inputs[0]);
    return false;
  }

  void run(const cv::Mat& in, cv::Mat& out) override {
    run_pointwise(steps_.data(), static_cast<int>(steps_.size()), in.ptr<float>(), out.ptr<float>(), in.total());
  }

 private:
  std::vector<PointwiseStep> steps_;
};

}  // namespace

void register_dnn_layers() {
  static std::once_flag once;
  std::call_once(once, [] {
    cv::dnn::LayerFactory::registerLayer("XuejiDepthwiseConv", DepthwiseConvLayer::create);
    cv::dnn::LayerFactory::registerLayer("XuejiPointwise", PointwiseLayer::create);
  });
}

}  // namespace xueji
