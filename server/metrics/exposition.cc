#include "server/metrics/exposition.h"

#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace seedance::server::metrics {

std::string TextExposition(const prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

void RegisterBuildInfo(prometheus::Registry& registry, const std::string& version) {
  prometheus::BuildGauge()
      .Name("seedance_gateway_build_info")
      .Help("Always 1; the gateway's version as a label.")
      .Register(registry)
      .Add({{"version", version}})
      .Set(1);
}

}  // namespace seedance::server::metrics
