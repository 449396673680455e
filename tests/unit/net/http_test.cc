#include <gtest/gtest.h>

#include <thread>

#include "net/http.h"
#include "net/testing.h"

namespace fct::net {
namespace {

TEST(HttpResponseTest, HeaderLookup) {
  HttpResponse r = make_response(200, "", {{"Content-Type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}});
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-a"), "1");  // the first one
  EXPECT_EQ(r.header("X-A"), "1");
  EXPECT_EQ(r.header("missing"), "");
  EXPECT_TRUE(HttpResponse{}.header("x").empty());
}

TEST(RedactUrlTest, DropsQueryFragmentAndUserinfo) {
  EXPECT_EQ(redact_url("https://api.example.com/v1/graphql?token=s3cret"), "https://api.example.com/v1/graphql");
  EXPECT_EQ(redact_url("https://user:pw@host:8443/a/b#frag"), "https://host:8443/a/b");
  EXPECT_EQ(redact_url("http://host?x=1"), "http://host");
  EXPECT_EQ(redact_url("http://host"), "http://host");
  EXPECT_EQ(redact_url(""), "");
}

TEST(ScriptedTransportTest, CannedResponsesInOrderAndRecorded) {
  ScriptedTransport t;
  t.push(make_response(201, "one"));
  t.push(make_transport_error(ErrorCode::kUnavailable, "reset"));
  HttpRequest req;
  req.url = "http://x/a";
  req.body = "b1";
  HttpResponse r1 = t.perform(req);
  EXPECT_EQ(r1.status, 201);
  EXPECT_EQ(r1.body, "one");
  HttpResponse r2 = t.submit(req).get();
  EXPECT_EQ(r2.status, 0);
  ASSERT_TRUE(r2.error);
  EXPECT_EQ(r2.error->code, ErrorCode::kUnavailable);
  HttpResponse r3 = t.perform(req);  // script exhausted
  EXPECT_EQ(r3.status, 0);
  EXPECT_EQ(r3.error->code, ErrorCode::kInternal);
  EXPECT_EQ(t.request_count(), 3u);
  EXPECT_EQ(t.last_request().body, "b1");
  auto s = t.stats();
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.failures, 2u);
}

TEST(ScriptedTransportTest, HandlerSeesRequest) {
  ScriptedTransport t([](const HttpRequest& r) { return make_response(200, r.method + " " + r.url); });
  HttpRequest req;
  req.method = "GET";
  req.url = "http://x/y";
  EXPECT_EQ(t.perform(req).body, "GET http://x/y");
}

TEST(ScriptedTransportTest, HoldParksCallsUntilReleased) {
  ScriptedTransport t([](const HttpRequest&) { return make_response(200); });
  t.hold(true);
  int done = 0;
  for (int i = 0; i < 3; ++i) t.start(HttpRequest{}, [&](HttpResponse r) { done += r.status == 200; });
  EXPECT_EQ(done, 0);
  EXPECT_EQ(t.held(), 3u);
  EXPECT_TRUE(t.release_one());
  EXPECT_EQ(done, 1);
  EXPECT_EQ(t.release_all(), 2u);
  EXPECT_EQ(done, 3);
  EXPECT_FALSE(t.release_one());
}

TEST(ScriptedTransportTest, SubmitFromAnotherThread) {
  ScriptedTransport t;
  t.hold(true);
  t.push(make_response(204));
  auto future = t.submit(HttpRequest{});
  std::thread releaser([&] { t.release_all(); });
  EXPECT_EQ(future.get().status, 204);
  releaser.join();
}

}  // namespace
}  // namespace fct::net
