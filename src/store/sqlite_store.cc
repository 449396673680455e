#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>

#include "common/time.h"
#include "store/store.h"

namespace fct {
namespace {

std::string now_iso() {
  return format_timestamp_utc(std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()));
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) {
    auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override { sqlite3_close(db_); }

  Status exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "unknown";
      sqlite3_free(msg);
      return make_error(ErrorCode::kInternal, "store " + path_ + ": " + m);
    }
    return ok_status();
  }

  Error db_error(const char* what) {
    return make_error(ErrorCode::kInternal, "store " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
  }

  Result<int64_t> begin_run(const RunRecord& run) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "INSERT INTO runs(job, account, retailer, started_at, status, summary) VALUES(?,?,?,?,?,?)");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, run.job).bind(2, run.account).bind(3, run.retailer).bind(4, now_iso()).bind(5, std::string("RUNNING"));
    st.bind(6, std::string("{}"));
    if (st.step() != SQLITE_DONE) return db_error("insert run");
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status finish_run(int64_t run_id, const std::string& status, const std::string& summary) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "UPDATE runs SET ended_at=?, status=?, summary=? WHERE id=?");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, now_iso()).bind(2, status).bind(3, summary).bind(4, run_id);
    if (st.step() != SQLITE_DONE) return db_error("update run");
    return ok_status();
  }

  Result<std::vector<RunRecord>> recent_runs(int limit) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "SELECT id, job, account, retailer, started_at, COALESCE(ended_at,''), status, summary "
                      "FROM runs ORDER BY id DESC LIMIT ?");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<RunRecord> out;
    while (st.step() == SQLITE_ROW) {
      out.push_back(RunRecord{st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6),
                              st.text(7)});
    }
    return out;
  }

  // Runs `body` in one IMMEDIATE transaction: committed when it succeeds,
  // rolled back when it fails. The caller holds mu_.
  Status in_transaction(const std::function<Status()>& body) {
    FCT_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
    if (auto st = body(); !st.ok()) {
      (void)exec("ROLLBACK");
      return st;
    }
    return exec("COMMIT");
  }

  Status park(const std::vector<DeadLetter>& items) override {
    if (items.empty()) return ok_status();
    std::lock_guard lock(mu_);
    return in_transaction([&]() -> Status {
      Statement st(db_, "INSERT INTO dead_letters(run_id, job, key, payload, reason, parked_at) VALUES(?,?,?,?,?,?)");
      if (!st.ok()) return db_error("prepare");
      auto at = now_iso();
      for (const auto& d : items) {
        st.bind(1, d.run_id).bind(2, d.job).bind(3, d.key).bind(4, d.payload).bind(5, d.reason).bind(6, at);
        if (st.step() != SQLITE_DONE) return db_error("insert dead letter");
        st.reset();
      }
      return ok_status();
    });
  }

  Result<std::vector<DeadLetter>> dead_letters(int limit) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "SELECT id, run_id, job, key, payload, reason, parked_at FROM dead_letters ORDER BY id LIMIT ?");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<DeadLetter> out;
    while (st.step() == SQLITE_ROW) {
      out.push_back(DeadLetter{st.integer(0), st.integer(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)});
    }
    return out;
  }

  Status remove_dead_letter(int64_t id) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "DELETE FROM dead_letters WHERE id=?");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, id);
    if (st.step() != SQLITE_DONE) return db_error("delete dead letter");
    return ok_status();
  }

  Result<std::optional<Checkpoint>> load_checkpoint(const std::string& job, const std::string& account,
                                                    const std::string& retailer) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "SELECT window_from, window_to, cursor, pages, positions, failed FROM checkpoints "
                      "WHERE job=? AND account=? AND retailer=?");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, job).bind(2, account).bind(3, retailer);
    if (st.step() != SQLITE_ROW) return std::optional<Checkpoint>();
    return std::optional<Checkpoint>(
        Checkpoint{job, account, retailer, st.text(0), st.text(1), st.text(2), st.integer(3), st.integer(4), st.integer(5)});
  }

  Status save_checkpoint(const Checkpoint& c) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "INSERT INTO checkpoints(job, account, retailer, window_from, window_to, cursor, pages, positions, "
                      "failed, saved_at) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(job, account, retailer) DO UPDATE SET "
                      "window_from=excluded.window_from, window_to=excluded.window_to, cursor=excluded.cursor, "
                      "pages=excluded.pages, positions=excluded.positions, failed=excluded.failed, "
                      "saved_at=excluded.saved_at");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, c.job).bind(2, c.account).bind(3, c.retailer).bind(4, c.window_from).bind(5, c.window_to);
    st.bind(6, c.cursor).bind(7, c.pages).bind(8, c.positions).bind(9, c.failed).bind(10, now_iso());
    if (st.step() != SQLITE_DONE) return db_error("save checkpoint");
    return ok_status();
  }

  Status clear_checkpoint(const std::string& job, const std::string& account, const std::string& retailer) override {
    std::lock_guard lock(mu_);
    Statement st(db_, "DELETE FROM checkpoints WHERE job=? AND account=? AND retailer=?");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, job).bind(2, account).bind(3, retailer);
    if (st.step() != SQLITE_DONE) return db_error("clear checkpoint");
    return ok_status();
  }

  Result<std::optional<SyncedTailRecord>> load_synced_tail(const std::string& job, const std::string& account,
                                                           const std::string& retailer) override {
    std::lock_guard lock(mu_);
    Statement head(db_, "SELECT window_to FROM synced_tails WHERE job=? AND account=? AND retailer=?");
    if (!head.ok()) return db_error("prepare");
    head.bind(1, job).bind(2, account).bind(3, retailer);
    if (head.step() != SQLITE_ROW) return std::optional<SyncedTailRecord>();
    SyncedTailRecord tail{head.text(0), {}};
    Statement st(db_, "SELECT sku, updated_on, quantity FROM synced_tail_positions WHERE job=? AND account=? AND retailer=?");
    if (!st.ok()) return db_error("prepare");
    st.bind(1, job).bind(2, account).bind(3, retailer);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      tail.positions.push_back(SyncedPosition{st.text(0), Timestamp(std::chrono::nanoseconds(st.integer(1))), st.integer(2)});
    }
    if (rc != SQLITE_DONE) return db_error("read synced tail");
    return std::optional<SyncedTailRecord>(std::move(tail));
  }

  Status save_synced_tail(const std::string& job, const std::string& account, const std::string& retailer,
                          const SyncedTailRecord& tail) override {
    std::lock_guard lock(mu_);
    return in_transaction([&]() -> Status {
      Statement clear(db_, "DELETE FROM synced_tail_positions WHERE job=? AND account=? AND retailer=?");
      Statement head(db_, "INSERT INTO synced_tails(job, account, retailer, window_to, saved_at) VALUES(?,?,?,?,?) "
                          "ON CONFLICT(job, account, retailer) DO UPDATE SET window_to=excluded.window_to, "
                          "saved_at=excluded.saved_at");
      Statement row(db_, "INSERT INTO synced_tail_positions(job, account, retailer, sku, updated_on, quantity) "
                         "VALUES(?,?,?,?,?,?)");
      if (!clear.ok() || !head.ok() || !row.ok()) return db_error("prepare");
      clear.bind(1, job).bind(2, account).bind(3, retailer);
      if (clear.step() != SQLITE_DONE) return db_error("clear synced tail");
      head.bind(1, job).bind(2, account).bind(3, retailer).bind(4, tail.window_to).bind(5, now_iso());
      if (head.step() != SQLITE_DONE) return db_error("save synced tail");
      for (const auto& p : tail.positions) {
        row.bind(1, job).bind(2, account).bind(3, retailer).bind(4, p.sku);
        row.bind(5, static_cast<int64_t>(p.updated_on.time_since_epoch().count())).bind(6, p.quantity);
        if (row.step() != SQLITE_DONE) return db_error("save synced tail position");
        row.reset();
      }
      return ok_status();
    });
  }

 private:
  sqlite3* db_;
  std::string path_;
  std::mutex mu_;
};

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA busy_timeout=5000;
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY, job TEXT NOT NULL, account TEXT NOT NULL, retailer TEXT NOT NULL,
  started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dead_letters(
  id INTEGER PRIMARY KEY, run_id INTEGER, job TEXT NOT NULL, key TEXT NOT NULL,
  payload TEXT NOT NULL, reason TEXT NOT NULL, parked_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints(
  job TEXT NOT NULL, account TEXT NOT NULL, retailer TEXT NOT NULL,
  window_from TEXT NOT NULL, window_to TEXT NOT NULL, cursor TEXT NOT NULL,
  pages INTEGER NOT NULL, positions INTEGER NOT NULL, failed INTEGER NOT NULL, saved_at TEXT NOT NULL,
  PRIMARY KEY(job, account, retailer));
CREATE TABLE IF NOT EXISTS synced_tails(
  job TEXT NOT NULL, account TEXT NOT NULL, retailer TEXT NOT NULL,
  window_to TEXT NOT NULL, saved_at TEXT NOT NULL,
  PRIMARY KEY(job, account, retailer));
CREATE TABLE IF NOT EXISTS synced_tail_positions(
  job TEXT NOT NULL, account TEXT NOT NULL, retailer TEXT NOT NULL,
  sku TEXT NOT NULL, updated_on INTEGER NOT NULL, quantity INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS synced_tail_positions_by_job ON synced_tail_positions(job, account, retailer);
)sql";

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kInternal, "cannot create data directory " + dir + ": " + ec.message());
  auto path = (std::filesystem::path(dir) / "fluent-ct.db").string();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(ErrorCode::kInternal, "cannot open store " + path + ": " + msg);
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  FCT_RETURN_IF_ERROR(store->exec(kSchema));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace fct
