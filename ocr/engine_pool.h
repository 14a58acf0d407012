#pragma once
// One Tesseract engine per worker: TessBaseAPI is not thread-safe, and starting one costs about
// a third of a second and ~100 MB, so each worker starts its own engine on first use and keeps
// it for every later page. Tesseract's own OpenMP threads must be held to one
// (OMP_THREAD_LIMIT=1, set by the `xueji` command before the OpenMP runtime starts) so that N
// workers use N cores without oversubscription.
#include <functional>
#include <memory>
#include <vector>

#include "ocr/ocr_engine.h"

namespace xueji {

using EngineProvider = std::function<OcrEngine&()>;  // the calling worker's engine

class EnginePool {
 public:
  // `size` workers (at least 1); engines start lazily.
  EnginePool(OcrParams params, int size);
  int size() const { return static_cast<int>(engines_.size()); }
  // Worker `i`'s engine, started on its first call. Only worker `i` may call this for `i`.
  OcrEngine& engine(int i);
  EngineProvider provider(int i);
  int started() const;  // engines started so far

 private:
  OcrParams params_;
  std::vector<std::unique_ptr<OcrEngine>> engines_;
};

// Workers to use by default: the machine's cores.
int default_workers();

}  // namespace xueji
