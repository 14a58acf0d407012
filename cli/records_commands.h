#pragma once
// Commands over the catalog: students, documents, document types, verification, the audit
// log and the completeness report. Every listing has a --json form.
#include <optional>
#include <string>

#include "models/catalog.h"
#include "models/student.h"

namespace xueji::cli {

struct StudentEdits {  // fields given on the command line (unset: keep)
  std::optional<std::string> name, gender, birth_date, grade, class_name, ethnicity, school, status;
};

// Records a view, search or export in the archive's access log (a note on stderr where it can't).
void note_access(Catalog& c, const std::string& action, const std::string& object, const std::string& student_id,
                 const std::string& details);

// Birth dates (part of the 学籍号) are masked unless `show_ids`.
int student_list(Catalog& c, const std::string& grade, const std::string& class_name, bool json, bool show_ids);
int student_show(Catalog& c, const std::string& id, bool json, bool show_ids);
int student_add(Catalog& c, const std::string& id, const StudentEdits& fields);
int student_edit(Catalog& c, const std::string& id, const StudentEdits& fields);

int document_list(Catalog& c, const std::string& student, bool deleted, bool json);
int document_show(Catalog& c, long long id, bool json);
int document_move(Catalog& c, long long id, const std::string& to_student);
int document_delete(Catalog& c, long long id);
int document_purge(Catalog& c);

int doctype_list(Catalog& c, bool json);
int doctype_set(Catalog& c, const std::string& name, const std::string& code, std::optional<bool> required);

int verify(Catalog& c, const std::string& student, bool json);  // exit 3 on findings
int recover(Catalog& c);
// The changes, or (access) the views, searches and exports.
int log(Catalog& c, const std::string& student, bool access, bool json);
// The capture journal: jobs with their state and pages not yet filed; pruning filed and empty jobs.
int journal_list(Catalog& c, bool json);
int journal_prune(Catalog& c, int older_than_days);
int report_completeness(Catalog& c, const std::string& grade, const std::string& class_name, bool json);

}  // namespace xueji::cli
