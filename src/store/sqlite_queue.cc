// MessageQueue on SQLite: table queue_messages in <data-dir>/fluent-ct.db.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/time.h"
#include "store/queue.h"

namespace fct {
namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::system_clock::time_point;

constexpr const char* kLockFile = "fluent-ct.lock";
constexpr const char* kDbFile = "fluent-ct.db";

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA busy_timeout=5000;
CREATE TABLE IF NOT EXISTS queue_messages(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  retailer TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  available_at_ms INTEGER NOT NULL,
  lease_until_ms INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS queue_messages_by_state ON queue_messages(queue, state, id);
CREATE INDEX IF NOT EXISTS queue_messages_by_key ON queue_messages(queue, kind, account, retailer, state);
)sql";

constexpr const char* kColumns =
    "id, queue, kind, account, retailer, payload, state, attempts, last_error, summary, created_at, updated_at, "
    "available_at_ms, lease_until_ms";

int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::string iso_from_ms(int64_t ms) {
  return format_timestamp_utc(Timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(milliseconds(ms))));
}

std::string iso(TimePoint t) {
  return format_timestamp_utc(std::chrono::time_point_cast<std::chrono::nanoseconds>(t));
}

// A cached prepared statement in use: resets and clears bindings when it goes
// out of scope, so the next user starts clean.
class Use {
 public:
  explicit Use(sqlite3_stmt* s) : s_(s) {}
  Use(Use&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Use& operator=(Use&&) = delete;
  Use(const Use&) = delete;
  ~Use() {
    if (s_) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }
  Use& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Use& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int step() { return sqlite3_step(s_); }
  std::string text(int col) {
    auto* p = sqlite3_column_text(s_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col))) : "";
  }
  int64_t integer(int col) { return sqlite3_column_int64(s_, col); }
  bool is_null(int col) { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_;
};

QueueMessage read_message(Use& st) {
  QueueMessage m;
  m.id = st.integer(0);
  m.queue = st.text(1);
  m.kind = st.text(2);
  m.account = st.text(3);
  m.retailer = st.text(4);
  m.payload = st.text(5);
  m.state = st.text(6);
  m.attempts = static_cast<int>(st.integer(7));
  m.last_error = st.text(8);
  m.summary = st.text(9);
  m.created_at = st.text(10);
  m.updated_at = st.text(11);
  m.available_at = iso_from_ms(st.integer(12));
  if (!st.is_null(13)) m.lease_until = iso_from_ms(st.integer(13));
  return m;
}

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

// ---------------------------------------------------------------- DataDirLock

Result<std::unique_ptr<DataDirLock>> DataDirLock::acquire(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return make_error(ErrorCode::kInternal, "cannot create data directory " + data_dir + ": " + ec.message());
  auto path = (std::filesystem::path(data_dir) / kLockFile).string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kInternal, "cannot open lock file " + path + ": " + errno_text(errno));
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    std::string pid = "unknown";
    if (err == EWOULDBLOCK) {
      char buf[32] = {};
      ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
      if (n > 0) {
        std::string s(buf, static_cast<size_t>(n));
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        if (!s.empty()) pid = s;
      }
    }
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return make_error(ErrorCode::kUnavailable, "data dir " + data_dir + " is in use by pid " + pid);
    }
    return make_error(ErrorCode::kInternal, "cannot lock " + path + ": " + errno_text(err));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    int err = errno;
    ::close(fd);
    return make_error(ErrorCode::kInternal, "cannot write pid to " + path + ": " + errno_text(err));
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

// ----------------------------------------------------------------------- Impl

struct MessageQueue::Impl {
  sqlite3* db = nullptr;
  std::string path;
  QueueOptions options;
  std::mutex mu;
  std::unordered_map<const char*, sqlite3_stmt*> cache;  // keyed by the SQL literal's address

  ~Impl() {
    for (auto& [sql, st] : cache) sqlite3_finalize(st);
    if (db) sqlite3_close(db);
  }

  TimePoint now() const { return options.now ? options.now() : std::chrono::system_clock::now(); }

  Error db_error(const std::string& what) const {
    return make_error(ErrorCode::kInternal, "queue " + path + ": " + what + ": " + sqlite3_errmsg(db));
  }

  Status exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : sqlite3_errmsg(db);
      sqlite3_free(msg);
      return make_error(ErrorCode::kInternal, "queue " + path + ": " + m);
    }
    return ok_status();
  }

  // `sql` must be a string literal (cached by address).
  Result<Use> prepare(const char* sql) {
    auto it = cache.find(sql);
    if (it != cache.end()) return Use(it->second);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
      sqlite3_finalize(st);
      return db_error(std::string("prepare \"") + sql + "\"");
    }
    cache.emplace(sql, st);
    return Use(st);
  }

  // Runs a statement that returns no rows; returns the number of changed rows.
  template <typename BindFn>
  Result<int> run(const char* sql, const char* what, BindFn&& bind) {
    FCT_ASSIGN_OR_RETURN(auto st, prepare(sql));
    bind(st);
    if (st.step() != SQLITE_DONE) return db_error(what);
    return sqlite3_changes(db);
  }

  // BEGIN IMMEDIATE ... COMMIT; rolls back unless commit() succeeded.
  class Tx {
   public:
    explicit Tx(Impl& impl) : impl_(impl) {}
    ~Tx() {
      if (open_) (void)impl_.exec("ROLLBACK");
    }
    Status begin() {
      FCT_RETURN_IF_ERROR(impl_.exec("BEGIN IMMEDIATE"));
      open_ = true;
      return ok_status();
    }
    Status commit() {
      FCT_RETURN_IF_ERROR(impl_.exec("COMMIT"));
      open_ = false;
      return ok_status();
    }

   private:
    Impl& impl_;
    bool open_ = false;
  };

  Result<std::optional<QueueMessage>> get_locked(int64_t id) {
    static const std::string sql = std::string("SELECT ") + kColumns + " FROM queue_messages WHERE id=?";
    FCT_ASSIGN_OR_RETURN(auto st, prepare(sql.c_str()));
    st.bind(1, id);
    int rc = st.step();
    if (rc == SQLITE_ROW) return std::optional<QueueMessage>(read_message(st));
    if (rc != SQLITE_DONE) return db_error("get message");
    return std::optional<QueueMessage>();
  }

  // The message's state, kNotFound if there is none, kConflict unless running.
  Status require_running(int64_t id, const char* op) {
    FCT_ASSIGN_OR_RETURN(auto st, prepare("SELECT state FROM queue_messages WHERE id=?"));
    st.bind(1, id);
    int rc = st.step();
    if (rc == SQLITE_DONE) {
      return make_error(ErrorCode::kNotFound, std::string(op) + ": no queue message " + std::to_string(id));
    }
    if (rc != SQLITE_ROW) return db_error(op);
    auto state = st.text(0);
    if (state != kMsgRunning) {
      return make_error(ErrorCode::kConflict, std::string(op) + ": queue message " + std::to_string(id) + " is " +
                                                  state + ", not running");
    }
    return ok_status();
  }

  milliseconds backoff(int attempts) const {
    milliseconds d = options.initial_backoff;
    for (int i = 1; i < attempts && d < options.max_backoff; ++i) d *= 2;
    return std::min(d, options.max_backoff);
  }

  // running -> dead (dead_sql: attempts >= max) then running -> queued
  // (requeue_sql), for messages whose lease ends before lease_cutoff_ms; used
  // by expire_leases() and by open()'s recovery. Returns how many moved.
  Result<int> requeue_running(const char* requeue_sql, const char* dead_sql, int64_t now_ms, const std::string& error,
                              int64_t lease_cutoff_ms) {
    auto now_text = iso_from_ms(now_ms);
    Tx tx(*this);
    FCT_RETURN_IF_ERROR(tx.begin());
    FCT_ASSIGN_OR_RETURN(int dead, run(dead_sql, "move exhausted running messages to dead", [&](Use& st) {
                           st.bind(1, error).bind(2, now_text).bind(3, now_ms).bind(4, int64_t{options.max_attempts});
                           st.bind(5, lease_cutoff_ms);
                         }));
    FCT_ASSIGN_OR_RETURN(int queued, run(requeue_sql, "requeue running messages", [&](Use& st) {
                           st.bind(1, error).bind(2, now_text).bind(3, now_ms).bind(4, lease_cutoff_ms);
                         }));
    FCT_RETURN_IF_ERROR(tx.commit());
    return dead + queued;
  }
};

// -------------------------------------------------------------- MessageQueue

MessageQueue::MessageQueue(std::unique_ptr<Impl> impl, std::unique_ptr<DataDirLock> lock, std::string path)
    : impl_(std::move(impl)), lock_(std::move(lock)), path_(std::move(path)) {}

MessageQueue::~MessageQueue() {
  shutdown();
  impl_.reset();  // close the database before releasing the lock
  lock_.reset();
}

namespace {
constexpr const char* kRecoverDead =
    "UPDATE queue_messages SET state='dead', last_error=?1, lease_until_ms=NULL, updated_at=?2, updated_at_ms=?3 "
    "WHERE state='running' AND attempts>=?4 AND (lease_until_ms IS NULL OR lease_until_ms<=?5)";
constexpr const char* kRecoverQueued =
    "UPDATE queue_messages SET state='queued', last_error=?1, lease_until_ms=NULL, available_at_ms=?3, "
    "updated_at=?2, updated_at_ms=?3 "
    "WHERE state='running' AND (lease_until_ms IS NULL OR lease_until_ms<=?4)";
}  // namespace

Result<std::unique_ptr<MessageQueue>> MessageQueue::open(const std::string& data_dir, QueueOptions options) {
  if (options.max_attempts < 1) return make_error(ErrorCode::kInvalidArgument, "queue: max_attempts must be >= 1");
  if (options.initial_backoff.count() < 0 || options.max_backoff.count() < 0 || options.lease.count() <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "queue: backoff must be >= 0 and lease > 0");
  }
  FCT_ASSIGN_OR_RETURN(auto lock, DataDirLock::acquire(data_dir));
  auto impl = std::make_unique<Impl>();
  impl->path = (std::filesystem::path(data_dir) / kDbFile).string();
  impl->options = std::move(options);
  if (sqlite3_open_v2(impl->path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = impl->db ? sqlite3_errmsg(impl->db) : "out of memory";
    return make_error(ErrorCode::kInternal, "cannot open queue " + impl->path + ": " + msg);
  }
  FCT_RETURN_IF_ERROR(impl->exec(kSchema));
  // A previous owner that died left its running messages: we own the store
  // now, so nobody is running them.
  int64_t now_ms = to_ms(impl->now());
  FCT_RETURN_IF_ERROR(impl->requeue_running(kRecoverQueued, kRecoverDead, now_ms,
                                            "the previous owner stopped while this message was running",
                                            std::numeric_limits<int64_t>::max()));
  auto path = impl->path;
  return std::unique_ptr<MessageQueue>(new MessageQueue(std::move(impl), std::move(lock), std::move(path)));
}

Result<EnqueueResult> MessageQueue::enqueue(const std::string& queue, const std::string& kind,
                                            const std::string& account, const std::string& retailer,
                                            const std::string& payload, bool coalesce) {
  if (queue.empty() || kind.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "enqueue: queue and kind must not be empty");
  }
  std::string body = payload.empty() ? "{}" : payload;
  if (!nlohmann::json::accept(body)) {
    return make_error(ErrorCode::kInvalidArgument, "enqueue " + queue + "/" + kind + ": payload is not JSON");
  }
  EnqueueResult result;
  {
    auto& d = *impl_;
    std::lock_guard lock(d.mu);
    Impl::Tx tx(d);
    FCT_RETURN_IF_ERROR(tx.begin());
    if (coalesce) {
      FCT_ASSIGN_OR_RETURN(auto st, d.prepare("SELECT id FROM queue_messages WHERE queue=? AND kind=? AND account=? "
                                              "AND retailer=? AND state='queued' ORDER BY id LIMIT 1"));
      st.bind(1, queue).bind(2, kind).bind(3, account).bind(4, retailer);
      int rc = st.step();
      if (rc == SQLITE_ROW) {
        result.id = st.integer(0);
        result.coalesced = true;
      } else if (rc != SQLITE_DONE) {
        return d.db_error("enqueue: find queued message");
      }
    }
    if (!result.coalesced) {
      auto now = d.now();
      auto now_ms = to_ms(now);
      auto now_text = iso(now);
      FCT_RETURN_IF_ERROR(d.run("INSERT INTO queue_messages(queue, kind, account, retailer, payload, state, attempts, "
                                "last_error, summary, available_at_ms, lease_until_ms, created_at, updated_at, "
                                "updated_at_ms) VALUES(?,?,?,?,?,'queued',0,'','',?,NULL,?,?,?)",
                                "enqueue", [&](Use& st) {
                                  st.bind(1, queue).bind(2, kind).bind(3, account).bind(4, retailer).bind(5, body);
                                  st.bind(6, now_ms).bind(7, now_text).bind(8, now_text).bind(9, now_ms);
                                }));
      result.id = sqlite3_last_insert_rowid(d.db);
    }
    FCT_RETURN_IF_ERROR(tx.commit());
  }
  if (!result.coalesced) notify();
  return result;
}

Result<std::optional<QueueMessage>> MessageQueue::lease(const std::string& queue) {
  auto& d = *impl_;
  std::lock_guard lock(d.mu);
  auto now = d.now();
  auto now_ms = to_ms(now);
  Impl::Tx tx(d);
  FCT_RETURN_IF_ERROR(tx.begin());
  int64_t id = 0;
  {
    FCT_ASSIGN_OR_RETURN(auto st, d.prepare("SELECT m.id FROM queue_messages m WHERE m.queue=?1 AND m.state='queued' "
                                            "AND m.available_at_ms<=?2 AND NOT EXISTS (SELECT 1 FROM queue_messages r "
                                            "WHERE r.queue=m.queue AND r.kind=m.kind AND r.account=m.account AND "
                                            "r.retailer=m.retailer AND r.state='running') ORDER BY m.id LIMIT 1"));
    st.bind(1, queue).bind(2, now_ms);
    int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<QueueMessage>();
    if (rc != SQLITE_ROW) return d.db_error("lease: select");
    id = st.integer(0);
  }
  FCT_RETURN_IF_ERROR(d.run("UPDATE queue_messages SET state='running', attempts=attempts+1, lease_until_ms=?, "
                            "updated_at=?, updated_at_ms=? WHERE id=?",
                            "lease: update", [&](Use& st) {
                              st.bind(1, now_ms + d.options.lease.count()).bind(2, iso(now)).bind(3, now_ms);
                              st.bind(4, id);
                            }));
  FCT_ASSIGN_OR_RETURN(auto message, d.get_locked(id));
  FCT_RETURN_IF_ERROR(tx.commit());
  return message;
}

Status MessageQueue::complete(int64_t id, const std::string& state, const std::string& summary_json) {
  if (state != kMsgSuccessful && state != kMsgFailed) {
    return make_error(ErrorCode::kInvalidArgument, "complete: state must be SUCCESSFUL or FAILED, not \"" + state + "\"");
  }
  if (!summary_json.empty() && !nlohmann::json::accept(summary_json)) {
    return make_error(ErrorCode::kInvalidArgument, "complete " + std::to_string(id) + ": summary is not JSON");
  }
  {
    auto& d = *impl_;
    std::lock_guard lock(d.mu);
    auto now = d.now();
    Impl::Tx tx(d);
    FCT_RETURN_IF_ERROR(tx.begin());
    FCT_RETURN_IF_ERROR(d.require_running(id, "complete"));
    FCT_RETURN_IF_ERROR(d.run("UPDATE queue_messages SET state=?, summary=?, lease_until_ms=NULL, updated_at=?, "
                              "updated_at_ms=? WHERE id=?",
                              "complete", [&](Use& st) {
                                st.bind(1, state).bind(2, summary_json).bind(3, iso(now)).bind(4, to_ms(now));
                                st.bind(5, id);
                              }));
    FCT_RETURN_IF_ERROR(tx.commit());
  }
  notify();
  return ok_status();
}

Result<std::string> MessageQueue::fail(int64_t id, const std::string& error, bool retryable,
                                       const std::string& summary_json) {
  if (!summary_json.empty() && !nlohmann::json::accept(summary_json)) {
    return make_error(ErrorCode::kInvalidArgument, "fail " + std::to_string(id) + ": summary is not JSON");
  }
  std::string new_state;
  {
    auto& d = *impl_;
    std::lock_guard lock(d.mu);
    auto now = d.now();
    auto now_ms = to_ms(now);
    Impl::Tx tx(d);
    FCT_RETURN_IF_ERROR(tx.begin());
    FCT_RETURN_IF_ERROR(d.require_running(id, "fail"));
    int attempts = 0;
    {
      FCT_ASSIGN_OR_RETURN(auto st, d.prepare("SELECT attempts FROM queue_messages WHERE id=?"));
      st.bind(1, id);
      if (st.step() != SQLITE_ROW) return d.db_error("fail: read attempts");
      attempts = static_cast<int>(st.integer(0));
    }
    bool to_dead = !retryable || attempts >= d.options.max_attempts;
    new_state = to_dead ? kMsgDead : kMsgQueued;
    int64_t available_ms = to_dead ? now_ms : now_ms + d.backoff(attempts).count();
    FCT_RETURN_IF_ERROR(d.run("UPDATE queue_messages SET state=?1, last_error=?2, available_at_ms=?3, "
                              "lease_until_ms=NULL, updated_at=?4, updated_at_ms=?5, "
                              "summary=CASE WHEN ?7='' THEN summary ELSE ?7 END WHERE id=?6",
                              "fail", [&](Use& st) {
                                st.bind(1, new_state).bind(2, error).bind(3, available_ms).bind(4, iso(now));
                                st.bind(5, now_ms).bind(6, id).bind(7, summary_json);
                              }));
    FCT_RETURN_IF_ERROR(tx.commit());
  }
  notify();
  return new_state;
}

Status MessageQueue::release(int64_t id) {
  {
    auto& d = *impl_;
    std::lock_guard lock(d.mu);
    auto now = d.now();
    auto now_ms = to_ms(now);
    Impl::Tx tx(d);
    FCT_RETURN_IF_ERROR(tx.begin());
    FCT_RETURN_IF_ERROR(d.require_running(id, "release"));
    FCT_RETURN_IF_ERROR(d.run("UPDATE queue_messages SET state='queued', attempts=MAX(attempts-1, 0), "
                              "available_at_ms=?, lease_until_ms=NULL, updated_at=?, updated_at_ms=? WHERE id=?",
                              "release", [&](Use& st) {
                                st.bind(1, now_ms).bind(2, iso(now)).bind(3, now_ms).bind(4, id);
                              }));
    FCT_RETURN_IF_ERROR(tx.commit());
  }
  notify();
  return ok_status();
}

Status MessageQueue::extend_lease(int64_t id) {
  auto& d = *impl_;
  std::lock_guard lock(d.mu);
  auto now = d.now();
  auto now_ms = to_ms(now);
  Impl::Tx tx(d);
  FCT_RETURN_IF_ERROR(tx.begin());
  FCT_RETURN_IF_ERROR(d.require_running(id, "extend_lease"));
  FCT_RETURN_IF_ERROR(d.run("UPDATE queue_messages SET lease_until_ms=?, updated_at=?, updated_at_ms=? WHERE id=?",
                            "extend_lease", [&](Use& st) {
                              st.bind(1, now_ms + d.options.lease.count()).bind(2, iso(now)).bind(3, now_ms);
                              st.bind(4, id);
                            }));
  return tx.commit();
}

namespace {
constexpr const char* kExpireDead =
    "UPDATE queue_messages SET state='dead', last_error=?1, lease_until_ms=NULL, updated_at=?2, updated_at_ms=?3 "
    "WHERE state='running' AND attempts>=?4 AND lease_until_ms<?5";
constexpr const char* kExpireQueued =
    "UPDATE queue_messages SET state='queued', last_error=?1, lease_until_ms=NULL, available_at_ms=?3, "
    "updated_at=?2, updated_at_ms=?3 WHERE state='running' AND lease_until_ms<?4";
}  // namespace

Result<int> MessageQueue::expire_leases() {
  int moved = 0;
  {
    auto& d = *impl_;
    std::lock_guard lock(d.mu);
    auto now_ms = to_ms(d.now());
    FCT_ASSIGN_OR_RETURN(moved, d.requeue_running(kExpireQueued, kExpireDead, now_ms, "lease expired", now_ms));
  }
  if (moved > 0) notify();
  return moved;
}

Result<std::optional<QueueMessage>> MessageQueue::get(int64_t id) {
  std::lock_guard lock(impl_->mu);
  return impl_->get_locked(id);
}

Result<std::vector<QueueMessage>> MessageQueue::dead(int limit) {
  auto& d = *impl_;
  std::lock_guard lock(d.mu);
  static const std::string sql =
      std::string("SELECT ") + kColumns + " FROM queue_messages WHERE state='dead' ORDER BY id LIMIT ?";
  FCT_ASSIGN_OR_RETURN(auto st, d.prepare(sql.c_str()));
  st.bind(1, static_cast<int64_t>(std::max(limit, 0)));
  std::vector<QueueMessage> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_message(st));
  if (rc != SQLITE_DONE) return d.db_error("list dead messages");
  return out;
}

Result<int> MessageQueue::replay(std::optional<int64_t> id) {
  int count = 0;
  {
    auto& d = *impl_;
    std::lock_guard lock(d.mu);
    auto now = d.now();
    auto now_ms = to_ms(now);
    Impl::Tx tx(d);
    FCT_RETURN_IF_ERROR(tx.begin());
    if (id) {
      FCT_ASSIGN_OR_RETURN(auto existing, d.get_locked(*id));
      if (!existing) return make_error(ErrorCode::kNotFound, "replay: no queue message " + std::to_string(*id));
      FCT_ASSIGN_OR_RETURN(count, d.run("UPDATE queue_messages SET state='queued', attempts=0, available_at_ms=?, "
                                        "lease_until_ms=NULL, updated_at=?, updated_at_ms=? "
                                        "WHERE state='dead' AND id=?",
                                        "replay", [&](Use& st) {
                                          st.bind(1, now_ms).bind(2, iso(now)).bind(3, now_ms).bind(4, *id);
                                        }));
    } else {
      FCT_ASSIGN_OR_RETURN(count, d.run("UPDATE queue_messages SET state='queued', attempts=0, available_at_ms=?, "
                                        "lease_until_ms=NULL, updated_at=?, updated_at_ms=? WHERE state='dead'",
                                        "replay all", [&](Use& st) {
                                          st.bind(1, now_ms).bind(2, iso(now)).bind(3, now_ms);
                                        }));
    }
    FCT_RETURN_IF_ERROR(tx.commit());
  }
  if (count > 0) notify();
  return count;
}

Result<std::optional<milliseconds>> MessageQueue::next_available_in(const std::string& queue) {
  auto& d = *impl_;
  std::lock_guard lock(d.mu);
  auto now_ms = to_ms(d.now());
  FCT_ASSIGN_OR_RETURN(auto st, d.prepare("SELECT MIN(m.available_at_ms) FROM queue_messages m WHERE m.queue=?1 AND "
                                          "m.state='queued' AND NOT EXISTS (SELECT 1 FROM queue_messages r "
                                          "WHERE r.queue=m.queue AND r.kind=m.kind AND r.account=m.account AND "
                                          "r.retailer=m.retailer AND r.state='running')"));
  st.bind(1, queue);
  if (st.step() != SQLITE_ROW) return d.db_error("next_available_in");
  if (st.is_null(0)) return std::optional<milliseconds>();
  return std::optional<milliseconds>(milliseconds(std::max<int64_t>(0, st.integer(0) - now_ms)));
}

Result<std::map<std::string, int64_t>> MessageQueue::counts(const std::string& queue) {
  auto& d = *impl_;
  std::lock_guard lock(d.mu);
  FCT_ASSIGN_OR_RETURN(auto st, d.prepare("SELECT state, COUNT(*) FROM queue_messages WHERE queue=? GROUP BY state"));
  st.bind(1, queue);
  std::map<std::string, int64_t> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out[st.text(0)] = st.integer(1);
  if (rc != SQLITE_DONE) return d.db_error("counts");
  return out;
}

Result<int> MessageQueue::purge_finished(milliseconds older_than) {
  auto& d = *impl_;
  std::lock_guard lock(d.mu);
  auto cutoff = to_ms(d.now()) - older_than.count();
  return d.run("DELETE FROM queue_messages WHERE state IN ('SUCCESSFUL','FAILED') AND updated_at_ms<?",
               "purge finished messages", [&](Use& st) { st.bind(1, cutoff); });
}

// ------------------------------------------------------------------- waiting

void MessageQueue::notify() {
  {
    std::lock_guard lock(wait_mu_);
    ++generation_;
  }
  wait_cv_.notify_all();
}

uint64_t MessageQueue::work_generation() const {
  std::lock_guard lock(wait_mu_);
  return generation_;
}

bool MessageQueue::wait_for_work(milliseconds max_wait, uint64_t seen_generation) {
  std::unique_lock lock(wait_mu_);
  return wait_cv_.wait_for(lock, max_wait, [&] { return shutdown_ || generation_ != seen_generation; });
}

bool MessageQueue::wait_for_work(milliseconds max_wait) {
  uint64_t seen;
  {
    std::lock_guard lock(wait_mu_);
    seen = generation_;
  }
  return wait_for_work(max_wait, seen);
}

void MessageQueue::shutdown() {
  {
    std::lock_guard lock(wait_mu_);
    shutdown_ = true;
  }
  wait_cv_.notify_all();
}

bool MessageQueue::is_shutdown() const {
  std::lock_guard lock(wait_mu_);
  return shutdown_;
}

// -------------------------------------------------------------------- describe

std::string describe(const QueueMessage& m) {
  std::string out = "#" + std::to_string(m.id) + " " + m.queue + " " + m.kind;
  if (!m.account.empty()) out += " account=" + m.account;
  if (!m.retailer.empty()) out += " retailer=" + m.retailer;
  out += " " + m.state + " attempts=" + std::to_string(m.attempts);
  out += " updated=" + m.updated_at;
  if (m.state == kMsgQueued && !m.available_at.empty()) out += " available=" + m.available_at;
  if (!m.last_error.empty()) {
    constexpr size_t kMax = 160;
    std::string e = m.last_error;
    if (e.size() > kMax) {
      size_t cut = kMax;
      while (cut > 0 && (static_cast<unsigned char>(e[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
      e = e.substr(0, cut) + "…";
    }
    for (auto& c : e) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    out += " error=\"" + e + "\"";
  }
  return out;
}

}  // namespace fct
