#include "ocr/engine_pool.h"

#include <algorithm>
#include <thread>

namespace xueji {

EnginePool::EnginePool(OcrParams params, int size) : params_(std::move(params)) {
  engines_.resize(static_cast<size_t>(std::max(1, size)));
}

OcrEngine& EnginePool::engine(int i) {
  std::unique_ptr<OcrEngine>& slot = engines_.at(static_cast<size_t>(i));
  if (!slot) slot = std::make_unique<OcrEngine>(params_);
  return *slot;
}

EngineProvider EnginePool::provider(int i) {
  return [this, i]() -> OcrEngine& { return engine(i); };
}

int EnginePool::started() const {
  return static_cast<int>(std::count_if(engines_.begin(), engines_.end(), [](const auto& e) { return e != nullptr; }));
}

int default_workers() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace xueji
