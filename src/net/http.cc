// HttpResponse helpers and the blocking forms of HttpTransport::start().
#include "net/http.h"

#include <memory>

namespace fct::net {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view HttpResponse::header(std::string_view lower_name) const {
  // Names are stored lower-cased by the transports; compare case-insensitively
  // anyway so hand-built responses (tests, fakes) behave the same.
  for (const auto& [name, value] : headers) {
    if (iequals(name, lower_name)) return value;
  }
  return {};
}

std::future<HttpResponse> HttpTransport::submit(HttpRequest request) {
  auto promise = std::make_shared<std::promise<HttpResponse>>();
  auto future = promise->get_future();
  start(std::move(request), [promise](HttpResponse response) { promise->set_value(std::move(response)); });
  return future;
}

HttpResponse HttpTransport::perform(HttpRequest request) { return submit(std::move(request)).get(); }

}  // namespace fct::net
