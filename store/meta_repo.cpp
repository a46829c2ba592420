#include "store/meta_repo.hpp"

namespace scl::store::meta_repo {

std::optional<std::int64_t> get(Tx& tx, const std::string& key) {
  auto s = tx.prepare("SELECT value FROM meta WHERE key = ?1");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  return s.int64(0);
}

void raise_to(Tx& tx, const std::string& key, std::int64_t value) {
  auto s = tx.prepare(
      "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = "
      "max(value, excluded.value)");
  s.bind(1, key).bind(2, value);
  s.run();
}

}  // namespace scl::store::meta_repo
