#pragma once
// The report of a batch job, from its journal (job.json, the batch log) and the roster: per
// student the pages and documents made, the students with no pages, the pages not assigned
// (in review, with why), the review list (unsure splits, misread sheets, low OCR confidence,
// suspected blanks, residual skew, documents without a named type or longer than allowed),
// the blank pages dropped, the separator sheets read, totals and throughput.
#include <string>

#include <nlohmann/json.hpp>

#include "models/catalog.h"

namespace xueji {

// Throws Error(NotFound) for an unknown job, Error(InvalidArgument) for a job that is no batch.
nlohmann::json batch_report(Catalog& catalog, const std::string& job);

}  // namespace xueji
