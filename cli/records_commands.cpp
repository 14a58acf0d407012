#include "cli/records_commands.h"

#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "archive/fixity.h"
#include "models/audit.h"
#include "cli/exit_codes.h"
#include "cli/plural.h"
#include "models/error.h"
#include "models/student_filter.h"
#include "models/roster.h"
#include "models/student_id.h"
#include "pipeline/capture_journal.h"
#include "pipeline/document_ops.h"

using nlohmann::json;

namespace xueji::cli {
namespace {

void print_json(const json& j) { std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << "\n"; }

// A birth date as shown: "****-**-**" unless the ids are shown in full.
std::string shown_birth(const std::string& date, bool show_ids) {
  return show_ids || date.empty() ? date : "****-**-**";
}

json student_json(const Student& s, bool show_ids) {
  return {{"student_id", s.id}, {"name", s.name}, {"gender", s.gender}, {"birth_date", shown_birth(s.birth_date, show_ids)},
          {"grade", s.grade}, {"class", s.class_name}, {"ethnicity", s.ethnicity}, {"school", s.school},
          {"status", s.status}};
}

json document_json(const DocumentRecord& d, bool with_pages) {
  json j = {{"id", d.id}, {"student_id", d.student_id}, {"doc_type", d.doc_type}, {"sequence", d.sequence},
            {"title", d.title}, {"document", d.pdf_path}, {"pages", d.pages.size()},
            {"declared_pages", d.declared_pages ? json(*d.declared_pages) : json(nullptr)},
            {"created_at", d.created_at}, {"date", d.doc_date}, {"deleted", !d.deleted_at.empty()}};
  if (!d.deleted_at.empty()) j["deleted_at"] = d.deleted_at;
  if (with_pages) {
    json pages = json::array();
    for (const PageRecord& p : d.pages)
      pages.push_back({{"page", p.number}, {"source", p.source}, {"width", p.width}, {"height", p.height},
                       {"dpi", p.dpi}, {"skew_deg", p.skew_deg}, {"orientation", p.orientation},
                       {"blank", p.blank}, {"color", p.color_mode}, {"seal", p.seal},
                       {"ocr_confidence", p.ocr_confidence}});
    j["page_list"] = pages;
    json files = json::array();
    for (const FileRecord& f : d.files)
      files.push_back({{"path", f.path}, {"kind", f.kind}, {"sha256", f.sha256}, {"size", f.size}});
    j["files"] = files;
  }
  return j;
}

std::string normalize_id(const std::string& raw) {
  const StudentIdCheck c = check_student_id(raw);
  if (!c.valid) throw Error(ErrorCode::InvalidArgument, "invalid student number '" + raw + "': " + c.reason);
  return c.normalized;
}

void apply(Student& s, const StudentEdits& e) {
  if (e.name) s.name = *e.name;
  if (e.gender) s.gender = *e.gender;
  if (e.birth_date) {
    s.birth_date = normalize_date(*e.birth_date);
    if (s.birth_date.empty()) throw Error(ErrorCode::InvalidArgument, "not a valid date: " + *e.birth_date);
  }
  if (e.grade) s.grade = *e.grade;
  if (e.class_name) s.class_name = *e.class_name;
  if (e.ethnicity) s.ethnicity = *e.ethnicity;
  if (e.school) s.school = *e.school;
  if (e.status) {
    static const std::vector<std::string> kStatus = {"在读", "毕业", "转出", "休学"};
    if (std::find(kStatus.begin(), kStatus.end(), *e.status) == kStatus.end())
      throw Error(ErrorCode::InvalidArgument, "status must be 在读, 毕业, 转出 or 休学");
    s.status = *e.status;
  }
}

}  // namespace

void note_access(Catalog& c, const std::string& action, const std::string& object, const std::string& student_id,
                 const std::string& details) {
  if (!c.record_access(action, object, student_id, details))
    std::cerr << "xueji: note: this " << action << " was not recorded in the access log ("
              << (c.read_only() ? "the archive is read-only here" : "the archive's audit key can't be read by this user")
              << ")\n";
}

int student_list(Catalog& c, const std::string& grade, const std::string& class_name, bool json_out, bool show_ids) {
  const auto students = filter_students(c.students(), grade, class_name);
  if (json_out) {
    json a = json::array();
    for (const Student& s : students) a.push_back(student_json(s, show_ids));
    print_json(a);
    return 0;
  }
  for (const Student& s : students)
    std::cout << s.id << "  " << s.name << "  " << s.gender << "  " << shown_birth(s.birth_date, show_ids) << "  " << s.grade << " "
              << s.class_name << "  " << s.status << "\n";
  std::cout << count(static_cast<long long>(students.size()), "student", "students") << "\n";
  return 0;
}

int student_show(Catalog& c, const std::string& id, bool json_out, bool show_ids) {
  const auto s = c.find_student(normalize_id(id));
  if (!s) throw Error(ErrorCode::NotFound, "unknown student number " + id);
  note_access(c, "view", "student " + s->id, s->id, "student show");
  const auto docs = c.documents(s->id);
  if (json_out) {
    json j = student_json(*s, show_ids);
    j["documents"] = json::array();
    for (const DocumentRecord& d : docs) j["documents"].push_back(document_json(d, false));
    print_json(j);
    return 0;
  }
  std::cout << s->id << "  " << s->name << "\n  性别 " << s->gender << "  出生日期 " << shown_birth(s->birth_date, show_ids) << "  民族 "
            << s->ethnicity << "\n  " << s->school << " " << s->grade << " " << s->class_name << "  " << s->status << "\n";
  for (const DocumentRecord& d : docs)
    std::cout << "  [" << d.id << "] " << d.doc_type << "  " << d.pdf_path << "  " << pages(static_cast<long long>(d.pages.size())) << "\n";
  return 0;
}

int student_add(Catalog& c, const std::string& id, const StudentEdits& fields) {
  Student s;
  s.id = normalize_id(id);
  apply(s, fields);
  c.add_student(s);
  std::cout << "added " << s.id << " " << s.name << "\n";
  return 0;
}

int student_edit(Catalog& c, const std::string& id, const StudentEdits& fields) {
  auto s = c.find_student(normalize_id(id));
  if (!s) throw Error(ErrorCode::NotFound, "unknown student number " + id);
  apply(*s, fields);
  c.edit_student(*s);
  std::cout << "updated " << s->id << "\n";
  return 0;
}

int document_list(Catalog& c, const std::string& student, bool deleted, bool json_out) {
  std::vector<DocumentRecord> docs = c.documents(student.empty() ? std::string() : normalize_id(student), deleted);
  if (deleted) std::erase_if(docs, [](const DocumentRecord& d) { return d.deleted_at.empty(); });
  if (json_out) {
    json a = json::array();
    for (const DocumentRecord& d : docs) a.push_back(document_json(d, false));
    print_json(a);
    return 0;
  }
  for (const DocumentRecord& d : docs)
    std::cout << "[" << d.id << "] " << d.student_id << "  " << d.doc_type << "  " << d.pdf_path << "  "
              << pages(static_cast<long long>(d.pages.size())) << (d.deleted_at.empty() ? "" : "  (deleted " + d.deleted_at + ")") << "\n";
  std::cout << count(static_cast<long long>(docs.size()), "document", "documents") << "\n";
  return 0;
}

int document_show(Catalog& c, long long id, bool json_out) {
  const auto d = c.document(id);
  if (!d) throw Error(ErrorCode::NotFound, "no document " + std::to_string(id));
  note_access(c, "view", "document " + std::to_string(id), d->student_id, "document show");
  if (json_out) {
    print_json(document_json(*d, true));
    return 0;
  }
  std::cout << "[" << d->id << "] " << d->doc_type << " of " << d->student_id << "\n  " << d->pdf_path << "\n";
  for (const PageRecord& p : d->pages)
    std::cout << "  page " << p.number << ": " << p.source << "  " << p.width << "x" << p.height << "  skew "
              << p.skew_deg << "°  " << p.color_mode << (p.seal ? " seal" : "") << "  OCR " << p.ocr_confidence << "\n";
  for (const FileRecord& f : d->files) std::cout << "  " << f.kind << "  " << f.path << "  " << f.sha256 << "\n";
  return 0;
}

int document_move(Catalog& c, long long id, const std::string& to_student) {
  const DocumentRecord d = move_document(c, id, to_student);
  std::cout << d.pdf_path << "\n";
  return 0;
}

int document_delete(Catalog& c, long long id) {
  delete_document(c, id);
  std::cout << "document " << id << " moved to the trash (xueji document purge removes it for good)\n";
  return 0;
}

int document_purge(Catalog& c) {
  std::cout << purge_trash(c) << " documents purged\n";
  return 0;
}

int doctype_list(Catalog& c, bool json_out) {
  const auto types = c.doc_types();
  if (json_out) {
    json a = json::array();
    for (const DocType& t : types) a.push_back({{"name", t.name}, {"code", t.code}, {"required", t.required}});
    print_json(a);
    return 0;
  }
  for (const DocType& t : types) std::cout << t.code << "  " << t.name << (t.required ? "  (required)" : "") << "\n";
  return 0;
}

int doctype_set(Catalog& c, const std::string& name, const std::string& code, std::optional<bool> required) {
  DocType t;
  const auto old = c.find_doc_type(name);
  t.name = name;
  t.code = code.empty() && old ? old->code : code;
  t.required = required ? *required : (old && old->required);
  c.set_doc_type(t);
  std::cout << t.code << "  " << t.name << (t.required ? "  (required)" : "") << "\n";
  return 0;
}

int verify(Catalog& c, const std::string& student, bool json_out) {
  auto findings = verify_archive(c, student.empty() ? std::nullopt : std::optional<std::string>(normalize_id(student)));
  if (student.empty())  // scanned pages not yet filed: each must still be the page scanned
    for (const std::string& job : CaptureJournal::jobs(c.root()))
      for (const CaptureJournal::PageCheck& p : CaptureJournal(c.root(), job, true).check_pages())
        findings.push_back({"journal", ".journal/" + job + "/" + p.page, p.message});
  if (json_out) {
    json a = json::array();
    for (const Finding& f : findings) a.push_back({{"kind", f.kind}, {"path", f.path}, {"detail", f.detail}});
    print_json(a);
  } else {
    for (const Finding& f : findings) std::cout << f.kind << ": " << (f.path.empty() ? "" : f.path + ": ") << f.detail << "\n";
    std::cout << (findings.empty() ? "archive verified: every file present and unchanged, audit trail intact\n"
                                   : count(static_cast<long long>(findings.size()), "finding", "findings") + "\n");
  }
  return code(findings.empty() ? Exit::Ok : Exit::Findings);
}

int recover(Catalog& c) {
  const RecoverReport r = recover_archive(c);
  for (const std::string& f : r.quarantined) std::cout << "quarantined " << f << "\n";
  for (const std::string& f : r.removed) std::cout << "removed temporary file " << f << "\n";
  for (const std::string& f : r.in_use) std::cout << "left alone (an import still running): " << f << "\n";
  for (const std::string& f : r.left) std::cout << "left alone (not made by Xueji): " << f << "\n";
  for (long long id : r.stale_reservations) std::cout << "ended the reservation of interrupted import " << id << "\n";
  std::cout << count(static_cast<long long>(r.quarantined.size()), "file", "files") << " the catalog does not list moved to "
            << (r.quarantine_folder.empty() ? std::string(".quarantine/") : r.quarantine_folder) << ", "
            << count(static_cast<long long>(r.removed.size()), "temporary file", "temporary files")
            << " removed; nothing else was deleted\n";
  return 0;
}

int log(Catalog& c, const std::string& student, bool access, bool json_out) {
  const auto entries = c.audit_log(student.empty() ? std::nullopt : std::optional<std::string>(normalize_id(student)),
                                   std::string(access ? "access" : "change"));
  if (json_out) {
    json a = json::array();
    for (const AuditEntry& e : entries)
      a.push_back({{"id", e.id}, {"time", e.time}, {"operator", e.operator_name}, {"action", e.action},
                   {"object", e.object}, {"student_id", e.student_id}, {"details", e.details}, {"kind", e.kind}});
    print_json(a);
    return 0;
  }
  for (const AuditEntry& e : entries)
    std::cout << e.id << "  " << e.time << "  " << e.operator_name << "  " << e.action << "  " << e.object
              << (e.student_id.empty() ? "" : "  " + e.student_id) << "  " << e.details << "\n";
  return 0;
}

int report_completeness(Catalog& c, const std::string& grade, const std::string& class_name, bool json_out) {
  std::vector<DocType> required;
  for (const DocType& t : c.doc_types())
    if (t.required) required.push_back(t);
  json rows = json::array();
  int complete = 0;
  const auto students = filter_students(c.students(), grade, class_name);
  for (const Student& s : students) {
    const auto docs = c.documents(s.id);
    json present = json::array(), missing = json::array(), incomplete = json::array(), blank = json::array();
    for (const DocType& t : required) {
      bool found = false, short_pages = false;
      for (const DocumentRecord& d : docs)
        if (d.doc_type == t.name) {
          // A document of blank pages only is no document of its type: flagged, not counted.
          if (!d.pages.empty() && std::all_of(d.pages.begin(), d.pages.end(), [](const PageRecord& p) { return p.blank; })) {
            blank.push_back({{"doc_type", t.name}, {"document", d.pdf_path}, {"pages", d.pages.size()}});
            continue;
          }
          found = true;
          if (d.declared_pages && static_cast<int>(d.pages.size()) < *d.declared_pages) {
            short_pages = true;
            incomplete.push_back({{"doc_type", t.name}, {"document", d.pdf_path}, {"pages", d.pages.size()},
                                  {"declared_pages", *d.declared_pages}});
          }
        }
      if (!found) missing.push_back(t.name);
      else if (!short_pages) present.push_back(t.name);
    }
    const bool ok = missing.empty() && incomplete.empty();
    complete += ok;
    rows.push_back({{"student_id", s.id}, {"name", s.name}, {"grade", s.grade}, {"class", s.class_name},
                    {"present", present}, {"missing", missing}, {"incomplete", incomplete}, {"blank", blank},
                    {"complete", ok}});
  }
  if (json_out) {
    print_json(rows);
    return 0;
  }
  for (const auto& r : rows) {
    std::cout << r["student_id"].get<std::string>() << "  " << r["name"].get<std::string>() << "  "
              << (r["complete"].get<bool>() ? "complete" : "INCOMPLETE");
    if (!r["missing"].empty()) {
      std::cout << "  missing:";
      for (const auto& m : r["missing"]) std::cout << " " << m.get<std::string>();
    }
    for (const auto& i : r["incomplete"])
      std::cout << "  " << i["doc_type"].get<std::string>() << " has " << i["pages"] << " of "
                << pages(i["declared_pages"].get<long long>());
    for (const auto& b : r["blank"])
      std::cout << "  " << b["doc_type"].get<std::string>() << " " << b["document"].get<std::string>()
                << " has only blank pages (not counted)";
    std::cout << "\n";
  }
  std::cout << complete << " of " << count(static_cast<long long>(students.size()), "student", "students") << " complete\n";
  return 0;
}

int journal_list(Catalog& c, bool json_out) {
  const std::vector<JournalJob> jobs = journal_jobs(c.root());
  if (json_out) {
    json a = json::array();
    for (const JournalJob& j : jobs)
      a.push_back({{"job", j.name}, {"state", j.state}, {"pages", j.pages}, {"student_id", j.student},
                   {"doc_type", j.doc_type}, {"created", j.created}, {"updated", j.updated},
                   {"document_id", j.document_id ? json(j.document_id) : json(nullptr)}});
    print_json(a);
    return 0;
  }
  for (const JournalJob& j : jobs)
    std::cout << j.name << "  " << j.state << "  " << count(j.pages, "page", "pages") << " not filed"
              << (j.student.empty() ? "" : "  " + j.student + " " + j.doc_type)
              << (j.document_id ? "  -> document " + std::to_string(j.document_id) : "") << "  (updated " << j.updated << ")\n";
  std::cout << count(static_cast<long long>(jobs.size()), "capture job", "capture jobs") << "\n";
  return 0;
}

int journal_prune(Catalog& c, int older_than_days) {
  Catalog::Write w(c);  // no scan commits while jobs go
  const std::vector<std::string> removed = prune_journal(c.root(), older_than_days);
  if (!removed.empty())
    c.audit("journal-prune", "journal", "", std::to_string(removed.size()) + " capture jobs without unfiled pages, older than " +
                                                std::to_string(older_than_days) + " days, removed");
  w.commit();
  for (const std::string& j : removed) std::cout << "removed " << j << "\n";
  std::cout << count(static_cast<long long>(removed.size()), "capture job", "capture jobs")
            << " removed (jobs holding pages that were never filed are kept)\n";
  return 0;
}

}  // namespace xueji::cli
