namespace Doctolib.Telehealth.TestInfrastructure;

/// <summary>Finds the folder holding initdb and pg_ctl (Debian keeps them under /usr/lib/postgresql/&lt;major&gt;/bin).</summary>
public static class PostgresBinaries
{
    public static string? Find()
    {
        const string Root = "/usr/lib/postgresql";
        if (Directory.Exists(Root))
        {
            foreach (var version in Directory.GetDirectories(Root).OrderByDescending(v => v, StringComparer.Ordinal))
            {
                var bin = Path.Combine(version, "bin");
                if (File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                {
                    return bin;
                }
            }
        }
        return null;
    }
}
