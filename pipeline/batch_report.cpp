#include "pipeline/batch_report.h"

#include <map>

#include "models/error.h"
#include "models/student_filter.h"
#include "pipeline/batch_log.h"
#include "pipeline/capture_journal.h"

using nlohmann::json;

namespace xueji {

json batch_report(Catalog& catalog, const std::string& job) {
  CaptureJournal journal(catalog.root(), job, true);
  const json& meta = journal.meta();
  if (meta.value("kind", "") != "batch") throw Error(ErrorCode::InvalidArgument, "job " + job + " is not a batch job");
  const BatchLedger ledger(BatchLog::read(journal.dir() / "batch.jsonl"));
  const std::vector<Student> roster =
      filter_students(catalog.students(), meta.value("grade", ""), meta.value("class", ""));

  struct Doc {
    std::string student, type;
    int pages = 0;
    std::vector<std::string> notes;
  };
  std::map<int, Doc> docs;
  json unassigned = json::array(), review = json::array(), blank = json::array();
  std::map<std::string, int> pages_of;
  int sheets = 0, misread_sheets = 0;
  for (const auto& [key, e] : ledger.pages()) {
    const json& d = e["decision"];
    const std::string action = d.value("action", "");
    const std::vector<std::string> notes = d.value("notes", std::vector<std::string>{});
    const std::vector<std::string> flags = e.value("flags", std::vector<std::string>{});
    if (action == "sheet") {
      ++sheets;
    } else if (action == "blank") {
      blank.push_back(key);
    } else if (action == "review") {
      if (e["facts"].value("sheet_misread", false)) ++misread_sheets;
      json r = {{"page", key}, {"why", notes}};
      if (!flags.empty()) r["flags"] = flags;
      unassigned.push_back(r);
      review.push_back({{"page", key}, {"assigned", false}, {"why", notes}});
    } else if (action == "assign") {
      const int n = d.value("document", 0);
      Doc& doc = docs[n];
      doc.student = d.value("student", "");
      doc.type = d.value("doctype", "");
      ++doc.pages;
      if (ledger.committed(n)) ++pages_of[doc.student];
      std::vector<std::string> why = flags;
      for (const std::string& note : notes) why.push_back(note);
      if (!why.empty())
        review.push_back({{"page", key}, {"assigned", true}, {"student", doc.student}, {"document", n}, {"why", why}});
    }
  }

  json students = json::array(), without = json::array();
  for (const Student& s : roster) {
    json documents = json::array();
    for (const auto& [n, doc] : docs)
      if (doc.student == s.id)
        documents.push_back({{"document", n}, {"id", ledger.document_id(n)}, {"type", doc.type}, {"pages", doc.pages},
                             {"committed", ledger.committed(n)}});
    const int pages = pages_of.count(s.id) ? pages_of[s.id] : 0;
    const json row = {{"id", s.id}, {"name", s.name}, {"class", s.class_name}, {"pages", pages}, {"documents", documents}};
    if (pages == 0) without.push_back({{"id", s.id}, {"name", s.name}, {"class", s.class_name}});
    else students.push_back(row);
  }

  const BatchCounts c = ledger.counts();
  const double seconds = meta.value("seconds", 0.0);
  const int processed_in_runs = meta.value("pages_processed_in_runs", 0);
  int captured = static_cast<int>(ledger.pages().size());
  for (const auto& p : journal.pages())
    if (!ledger.page(p.filename().string())) ++captured;
  return {{"job", job},
          {"state", meta.value("state", "")},
          {"source", meta.value("source", "")},
          {"grade", meta.value("grade", "")},
          {"class", meta.value("class", "")},
          {"split", meta.value("split", "")},
          {"totals",
           {{"captured", captured}, {"processed", c.processed}, {"assigned", c.committed_pages}, {"documents", c.documents},
            {"review", c.review}, {"blank", c.blank}, {"sheets", c.sheets}, {"misread_sheets", misread_sheets},
            {"students", students.size()}, {"students_without_pages", without.size()},
            {"seconds", seconds}, {"pages_per_min", seconds > 0 ? processed_in_runs * 60.0 / seconds : 0.0}}},
          {"students", students},
          {"students_without_pages", without},
          {"unassigned", unassigned},
          {"review", review},
          {"blank_pages", blank}};
}

}  // namespace xueji
