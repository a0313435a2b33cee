// resources.xml / project.xml parsing: the COMPSs formats and clear errors.
#include "config/resources.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace compss::config;

namespace {

const char* good_resources = R"(<?xml version="1.0" encoding="UTF-8"?>
<ResourcesList>
  <ComputeNode Name="node1">
    <Processor Name="MainProcessor">
      <ComputingUnits>4</ComputingUnits>
      <Architecture>amd64</Architecture>
      <Type>CPU</Type>
    </Processor>
    <Processor Name="gpu0"><ComputingUnits>1</ComputingUnits><Type>GPU</Type></Processor>
    <Memory><Size>16.5</Size></Memory>
    <Software><Application>JAVA</Application><Application>PYTHON</Application></Software>
    <Adaptors>
      <Adaptor Name="es.bsc.compss.nio.master.NIOAdaptor">
        <SubmissionSystem><Interactive/></SubmissionSystem>
        <Ports><MinPort>43001</MinPort><MaxPort>43002</MaxPort></Ports>
      </Adaptor>
    </Adaptors>
  </ComputeNode>
  <ComputeNode Name="node2"/>
</ResourcesList>
)";

const char* good_project = R"(<Project>
  <MasterNode/>
  <ComputeNode Name="node1">
    <InstallDir>/opt/COMPSs/</InstallDir>
    <WorkingDir>/tmp/Worker/</WorkingDir>
    <User>alice</User>
    <LimitOfTasks>3</LimitOfTasks>
  </ComputeNode>
</Project>
)";

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const compss::Error& e) {
    return e.what();
  }
  return "no error";
}

/// What `f` throws where the file permissions apply: as root (CI runs as root, and root
/// reads any file) in a child process that became user nobody first.
std::string error_without_root(auto&& f) {
  if (::geteuid() != 0) return error_of(f);
  int out[2];
  if (::pipe(out) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(out[0]);
    const std::string e = ::setgid(65534) == 0 && ::setuid(65534) == 0 ? error_of(f) : "setuid failed";
    (void)!::write(out[1], e.data(), e.size());
    ::_exit(0);
  }
  ::close(out[1]);
  std::string e;
  char buffer[4096];
  for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) e.append(buffer, static_cast<std::size_t>(n));
  ::close(out[0]);
  ::waitpid(pid, nullptr, 0);
  return e;
}

}  // namespace

TEST(ConfigResources, ParsesEveryField) {
  auto nodes = parse_resources(good_resources, "resources.xml");
  ASSERT_EQ(nodes.size(), 2u);
  const ResourceNode& n = nodes[0];
  EXPECT_EQ(n.name, "node1");
  ASSERT_EQ(n.described.processors.size(), 2u);
  EXPECT_EQ(n.described.processors[0].units, 4u);
  EXPECT_EQ(n.described.processors[0].architecture, "amd64");
  EXPECT_EQ(n.described.processors[1].type, compss::sched::ProcessorType::gpu);
  EXPECT_EQ(n.cores(), 4u);
  EXPECT_DOUBLE_EQ(n.described.memory_gb, 16.5);
  EXPECT_EQ(n.described.software, (std::vector<std::string>{"JAVA", "PYTHON"}));
  EXPECT_EQ(*n.min_port, 43001);
  EXPECT_EQ(*n.max_port, 43002);
  EXPECT_EQ(nodes[1].cores(), 1u);
  EXPECT_EQ(nodes[1].described.memory_gb, 0);
}

TEST(ConfigResources, ParsesProjectAndMerges) {
  auto project = parse_project(good_project, "project.xml");
  ASSERT_EQ(project.size(), 1u);
  EXPECT_EQ(project[0].install_dir, "/opt/COMPSs/");
  EXPECT_EQ(project[0].working_dir, "/tmp/Worker/");
  EXPECT_EQ(project[0].user, "alice");
  EXPECT_EQ(*project[0].limit_of_tasks, 3u);
  auto merged = merge(parse_resources(good_resources, "r.xml"), project, "project.xml");
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].resources.cores(), 4u);
}

TEST(ConfigResources, MalformedXmlNamesFileAndLine) {
  std::string e = error_of([] { parse_resources("<ResourcesList>\n<ComputeNode Name=\"a\">\n<Memory =>\n", "r.xml"); });
  EXPECT_NE(e.find("r.xml:3: malformed XML"), std::string::npos) << e;
}

TEST(ConfigResources, BadValuesNameFileLineNodeAndElement) {
  // The line is the bad value's: the second processor's, not the first's or the node's.
  std::string e = error_of([] {
    parse_resources("<ResourcesList>\n<ComputeNode Name=\"n\">\n<Processor><ComputingUnits>2"
                    "</ComputingUnits></Processor>\n<!-- <a>\n --><Processor>\n<ComputingUnits>four"
                    "</ComputingUnits></Processor></ComputeNode></ResourcesList>", "r.xml");
  });
  EXPECT_NE(e.find("r.xml:6: ComputeNode 'n': Processor/ComputingUnits: expected a whole number"),
            std::string::npos) << e;
  e = error_of([] { parse_resources("<ResourcesList>\n\n<ComputeNode/></ResourcesList>", "r.xml"); });
  EXPECT_NE(e.find("r.xml:3: ComputeNode: missing Name attribute"), std::string::npos) << e;
  e = error_of([] { parse_resources("<Project/>", "r.xml"); });
  EXPECT_NE(e.find("expected a <ResourcesList> root element"), std::string::npos) << e;
  e = error_of([] {
    parse_resources("<ResourcesList><ComputeNode Name=\"n\"><Adaptors><Adaptor><Ports><MinPort>9"
                    "</MinPort><MaxPort>8</MaxPort></Ports></Adaptor></Adaptors></ComputeNode>"
                    "</ResourcesList>", "r.xml");
  });
  EXPECT_NE(e.find("MinPort 9 is above MaxPort 8"), std::string::npos) << e;
  e = error_of([] {
    parse_project("<Project><ComputeNode Name=\"x\"><LimitOfTasks>-1</LimitOfTasks></ComputeNode></Project>", "p.xml");
  });
  EXPECT_NE(e.find("p.xml:1: ComputeNode 'x': LimitOfTasks"), std::string::npos) << e;
  e = error_of([] { merge({}, parse_project(good_project, "p.xml"), "p.xml"); });
  EXPECT_NE(e.find("p.xml:3: ComputeNode 'node1' is not described in the resources file"), std::string::npos) << e;
}

// A file that cannot be read says why (the system's reason), which file, and what to do:
// a directory read as empty gave "expected a <ResourcesList> root element" before.
TEST(ConfigResources, UnreadableFilesSayWhy) {
  EXPECT_EQ(error_of([] { load_resources("/nonexistent/resources.xml"); }),
            "compss: cannot read the resources.xml file '/nonexistent/resources.xml': No such file "
            "or directory (--resources or COMPSS_RESOURCES must name a readable COMPSs "
            "resources.xml)");
  std::string tmpl = (std::filesystem::temp_directory_path() / "config-resources-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const std::filesystem::path dir = tmpl;
  struct Removed {
    std::filesystem::path dir;
    ~Removed() { std::filesystem::remove_all(dir); }
  } removed{dir};
  EXPECT_EQ(error_of([&] { load_project(dir.string()); }),
            "compss: cannot read the project.xml file '" + dir.string() + "': Is a directory "
            "(--project or COMPSS_PROJECT must name a readable COMPSs project.xml)");
  const std::string secret = (dir / "resources.xml").string();
  std::ofstream(secret) << good_resources;
  ASSERT_EQ(::chmod(secret.c_str(), 0), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);  // (the file itself is what cannot be read)
  std::string e = error_without_root([&] { load_resources(secret); });
  EXPECT_EQ(e, "compss: cannot read the resources.xml file '" + secret + "': Permission denied "
               "(--resources or COMPSS_RESOURCES must name a readable COMPSs resources.xml)");
}

// The XML parser recurses once per level: 50,000 levels overflowed the stack (SIGSEGV in
// compss-run). Deep nesting is refused before parsing, with the file and the line.
TEST(ConfigResources, DeepNestingIsAClearErrorNotACrash) {
  std::string deep = "<?xml version=\"1.0\"?>\n<ResourcesList>\n<ComputeNode Name=\"n\">";
  for (int i = 0; i < 50000; ++i) deep += "<a>";
  for (int i = 0; i < 50000; ++i) deep += "</a>";
  deep += "</ComputeNode></ResourcesList>\n";
  std::string e = error_of([&] { parse_resources(deep, "r.xml"); });
  EXPECT_EQ(e, "compss: r.xml:3: elements nested deeper than 32 levels (the COMPSs schemas nest "
               "about 10): not a resources.xml or project.xml file");
  e = error_of([&] { parse_project("<Project>" + deep.substr(deep.find("<ComputeNode")) , "p.xml"); });
  EXPECT_NE(e.find("p.xml:1: elements nested deeper than 32 levels"), std::string::npos) << e;
}

TEST(ConfigResources, NestingUpToTheLimitStillParses) {
  // Empty elements, comments, CDATA and '>' in attribute values do not count as levels.
  std::string text = "<Project><!-- <a><b><c> --><ComputeNode Name=\"n\" Note=\"a>b\">";
  for (int i = 0; i < 29; ++i) text += "<x><y/><![CDATA[<z>]]>";
  text += "<WorkingDir>/w</WorkingDir>";
  for (int i = 0; i < 29; ++i) text += "</x>";
  text += "</ComputeNode></Project>";
  auto nodes = parse_project(text, "p.xml");
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].name, "n");
  // One level more than the limit: refused.
  std::string over = "<Project><ComputeNode Name=\"n\">";
  for (int i = 0; i < 31; ++i) over += "<x>";
  EXPECT_NE(error_of([&] { parse_project(over, "p.xml"); }).find("nested deeper than 32"),
            std::string::npos);
}

// COMPSs' meaning of the project.xml folders: InstallDir is the COMPSs installation,
// Application/AppDir the application's folder, WorkingDir the worker's scratch.
TEST(ConfigResources, ProjectReadsAppDirApartFromInstallDir) {
  auto p = parse_project(R"(<Project><MasterNode/><ComputeNode Name="localhost">
    <InstallDir>/opt/COMPSs/</InstallDir><WorkingDir>/tmp/w</WorkingDir>
    <Application><AppDir>/home/me/apps/</AppDir><LibraryPath>/usr/lib</LibraryPath></Application>
  </ComputeNode></Project>)", "p.xml");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].install_dir, "/opt/COMPSs/");
  EXPECT_EQ(p[0].app_dir, "/home/me/apps/");
  EXPECT_EQ(p[0].working_dir, "/tmp/w");
  EXPECT_EQ(parse_project(good_project, "p.xml")[0].app_dir, "");
}
