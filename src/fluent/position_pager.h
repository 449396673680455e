// Streams a catalogue's virtual positions, one page at a time, fetching the
// next page while the caller works on the current one. At most two pages
// are held in memory.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/graphql_client.h"
#include "common/result.h"
#include "common/time.h"
#include "sync/model.h"

namespace fct {

struct PositionQuery {
  std::string catalogue_ref;
  std::optional<Timestamp> updated_from;
  std::optional<Timestamp> updated_to;
  std::vector<std::string> product_refs;  // empty: all
  std::vector<std::string> refs;          // virtual position refs; empty: all
  int page_size = 1000;
  std::string after;                      // resume after this cursor; empty: from the start
};

struct InvalidPosition {
  std::string ref;
  std::string reason;
};

struct PositionPage {
  int number = 0;  // 1-based
  std::vector<VirtualPosition> positions;
  std::vector<InvalidPosition> invalid;  // nodes that failed validation, with the reason
  std::string end_cursor;                // the last edge's cursor: resume after this page
};

class PositionPager {
 public:
  PositionPager(GraphQLClient& fluent, std::string document, PositionQuery query);
  PositionPager(const PositionPager&) = delete;
  PositionPager& operator=(const PositionPager&) = delete;
  ~PositionPager();

  // The next page, or nullopt after the last one. An error (transport,
  // GraphQL, unexpected shape) ends the stream.
  Result<std::optional<PositionPage>> next();
  // True when next() will not block.
  bool ready() const;
  // Called on the fetching thread whenever a prefetched page has arrived.
  // REQUIRES: set before the first next().
  void on_ready(std::function<void()> notify) { notify_ = std::move(notify); }

  // Parses one virtualPositions reply: the page and the cursor to continue from
  // (empty when there is no next page). Exposed for tests.
  static Result<std::pair<PositionPage, std::string>> parse_page(const nlohmann::json& data, int number);

 private:
  using Fetched = Result<std::pair<PositionPage, std::string>>;
  Fetched fetch(const std::string& after, int number);
  void prefetch(const std::string& after, int number);

  GraphQLClient& fluent_;
  std::string document_;
  PositionQuery query_;
  std::future<Fetched> pending_;
  std::function<void()> notify_;
  // One fetching thread for the pager's life (started by the first
  // prefetch), not one per page: a page is fetched while the caller works on
  // the previous one, so there is never more than one task.
  void fetch_loop();
  std::thread fetcher_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::packaged_task<Fetched()> task_;  // valid(): waiting for the fetcher
  bool stopping_ = false;
  std::atomic<bool> arrived_{false};
  bool done_ = false;
  int number_ = 0;
};

}  // namespace fct
