#pragma once
// A durable execution snapshot stored in parts, so that a step writes only what it changed
// (issue 11 finding 9: rewriting the whole snapshot on every step wrote gigabytes for a Map of
// .sync tasks, growing as items squared).
//
// A part is keyed by (kind, id, sub). The stepper owns kinds 0-3; the runner adds its own kinds
// (pending task requests, timer deadlines) in the same key space.

#include <cstdint>
#include <string>
#include <vector>

namespace scl::asl {

enum class PartKind : int {
  kHeader = 0,   // id 0: counters, status, runnable frames; id 1: the execution input
  kFrame = 1,    // id = frame id: the frame without its Map items and collected results
  kItems = 2,    // id = frame id: a Map state's items
  kResult = 3,   // id = frame id, sub = branch/item index: one collected result
  kRunnerTask = 4,   // runner: id = stepper task id, a running task's request (+ submission)
  kRunnerTimer = 5,  // runner: id = stepper timer id, its deadline
};

struct SnapshotPart {
  PartKind kind = PartKind::kHeader;
  std::uint64_t id = 0;
  std::uint64_t sub = 0;
  std::string body;  // JSON text
};

/// Removes one part, or every `sub` of (kind, id) when `all_subs`.
struct SnapshotErase {
  PartKind kind = PartKind::kHeader;
  std::uint64_t id = 0;
  std::uint64_t sub = 0;
  bool all_subs = false;
};

struct SnapshotChanges {
  std::vector<SnapshotErase> erases;  // applied first
  std::vector<SnapshotPart> upserts;
  [[nodiscard]] std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& p : upserts) n += p.body.size();
    return n;
  }
};

}  // namespace scl::asl
