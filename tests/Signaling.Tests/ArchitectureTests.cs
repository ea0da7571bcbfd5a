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
