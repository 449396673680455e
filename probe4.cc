#include "net/http.h"
#include <cstdio>
int main() { auto t = fct::net::make_curl_transport({}); fct::net::HttpRequest r; r.url="http://127.0.0.1:18777/x?y=1"; r.headers={{"X-Empty",""},{"Content-Type","application/json"}}; r.body="{}"; printf("%d\n", t->perform(r).status); }
