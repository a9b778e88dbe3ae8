// The Prometheus text exposition (format 0.0.4) of a registry, and the
// build-info gauge every scrape carries.
//
//   RegisterBuildInfo(registry, "0.1.0");
//   std::string body = TextExposition(registry);  // for GET /metrics
#ifndef SEEDANCE_SERVER_METRICS_EXPOSITION_H_
#define SEEDANCE_SERVER_METRICS_EXPOSITION_H_

#include <prometheus/registry.h>

#include <string>

namespace seedance::server::metrics {

// The Content-Type of TextExposition's answer.
inline constexpr char kTextExpositionType[] = "text/plain; version=0.0.4; charset=utf-8";

std::string TextExposition(const prometheus::Registry& registry);

// seedance_gateway_build_info{version} 1.
void RegisterBuildInfo(prometheus::Registry& registry, const std::string& version);

}  // namespace seedance::server::metrics

#endif  // SEEDANCE_SERVER_METRICS_EXPOSITION_H_
