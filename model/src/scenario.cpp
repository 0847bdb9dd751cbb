#include "sisyphus/model/scenario.hpp"

#include <algorithm>

namespace sisyphus::model {

const Resource* Scenario::find_resource(std::string_view path) const {
  auto it = std::find_if(resources.begin(), resources.end(),
                         [&](const Resource& r) { return r.path == path; });
  return it == resources.end() ? nullptr : &*it;
}

const Resource* Scenario::find_resource_id(std::string_view id) const {
  auto it = std::find_if(resources.begin(), resources.end(),
                         [&](const Resource& r) { return r.id == id; });
  return it == resources.end() ? nullptr : &*it;
}

std::vector<const Resource*> Scenario::verified() const {
  std::vector<const Resource*> out;
  for (const std::string& id : expect.verify) {
    if (const Resource* r = find_resource_id(id)) out.push_back(r);
  }
  if (out.empty()) out.push_back(&resource());
  return out;
}

}  // namespace sisyphus::model
