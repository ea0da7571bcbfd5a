using System.Reflection;
using System.Text.RegularExpressions;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>Keeps the module rules of DESIGN.md: dependencies point one way, internals stay internal, and each module
/// reads and writes only its own PostgreSQL schema.</summary>
public sealed partial class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Doctolib.Telehealth.Media"] = [],
        ["Doctolib.Telehealth.Rooms"] = ["Doctolib.Telehealth.Media"],
        ["Doctolib.Telehealth.Billing"] = ["Doctolib.Telehealth.Rooms"],
        ["Doctolib.Telehealth.Signaling"] = ["Doctolib.Telehealth.Rooms", "Doctolib.Telehealth.Billing", "Doctolib.Telehealth.Media"],
    };

    [Fact]
    public void Modules_ReferenceOnlyWhatTheDesignAllows()
    {
        foreach (var (module, allowed) in Allowed)
        {
            var references = Assembly.Load(module).GetReferencedAssemblies()
                .Select(a => a.Name!)
                .Where(n => n.StartsWith("Doctolib.Telehealth.", StringComparison.Ordinal))
                .ToList();
            Assert.All(references, r => Assert.Contains(r, allowed));
        }
    }

    [Theory]
    [InlineData("Doctolib.Telehealth.Rooms")]
    [InlineData("Doctolib.Telehealth.Billing")]
    [InlineData("Doctolib.Telehealth.Media")]
    public void Module_PublicTypes_LiveOnlyInItsRootNamespace(string module)
    {
        var leaks = Assembly.Load(module).GetExportedTypes()
            .Where(t => t.Namespace != module)
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(leaks);
    }

    [Theory]
    [InlineData("TestPeer")]
    [InlineData("IceControllingClient")]
    [InlineData("SrtpBenchmark")]
    [InlineData("DtlsSrtpClient")]
    [InlineData("DtlsClientHandshake")]
    public void MediaModule_ShipsNoTestCode(string testOnlyName)
    {
        var shipped = Assembly.Load("Doctolib.Telehealth.Media").GetTypes()
            .Where(t => (t.FullName ?? t.Name).Contains(testOnlyName, StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(shipped);
    }

    [Fact]
    public void MediaForwarding_SourceNeverNamesThePlane()
    {
        var folder = Path.Combine(RepositoryRoot(), "src", "Media", "Forwarding");
        var pattern = new Regex(@"\bDoctolib\.Telehealth\.Media\.Plane\b|\bPlane\.[A-Z]");
        var offenders = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => pattern.IsMatch(File.ReadAllText(f)))
            .ToList();
        Assert.NotEmpty(Directory.EnumerateFiles(folder, "*.cs"));
        Assert.Empty(offenders);
    }

    [Fact]
    public void MediaForwarding_TypesNeverReferenceThePlane()
    {
        const string forwarding = "Doctolib.Telehealth.Media.Forwarding";
        const string plane = "Doctolib.Telehealth.Media.Plane";
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = Assembly.Load("Doctolib.Telehealth.Media").GetTypes().Where(t => t.Namespace == forwarding).ToList();
        var offenders = new List<string>();
        foreach (var type in types)
        {
            var used = new List<Type>();
            if (type.BaseType is { } baseType)
            {
                used.Add(baseType);
            }

            used.AddRange(type.GetInterfaces());
            used.AddRange(type.GetFields(all).Select(f => f.FieldType));
            used.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                used.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo info)
                {
                    used.Add(info.ReturnType);
                }
            }

            offenders.AddRange(used.Select(ElementOf).Where(u => u.Namespace == plane).Select(u => $"{type.Name} -> {u.Name}"));
        }

        Assert.NotEmpty(types);
        Assert.Empty(offenders);
    }

    private static Type ElementOf(Type type) => type.HasElementType ? ElementOf(type.GetElementType()!) : type;

    [Theory]
    [InlineData("Rooms", "billing")]
    [InlineData("Billing", "rooms")]
    [InlineData("Signaling", "rooms")]
    [InlineData("Signaling", "billing")]
    [InlineData("Media", "rooms")]
    [InlineData("Media", "billing")]
    public void Module_Sql_NeverTouchesAnotherModulesSchema(string module, string foreignSchema)
    {
        var folder = Path.Combine(RepositoryRoot(), "src", module);
        var pattern = new Regex($@"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+{foreignSchema}\.", RegexOptions.IgnoreCase);
        var offenders = Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".sql", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => pattern.IsMatch(File.ReadAllText(f)))
            .ToList();
        Assert.Empty(offenders);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Doctolib.Telehealth.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}
