namespace Doctolib.Telehealth.Signaling.Hosting;

/// <summary>Configuration section <c>Database:Embedded</c>: the private PostgreSQL cluster the server starts when no
/// connection string is configured.</summary>
internal sealed class EmbeddedPostgresOptions
{
    public const string Section = "Database:Embedded";

    /// <summary>Where the cluster keeps its data between runs. Default: /var/lib/doctolib-telehealth when run as root,
    /// else $XDG_DATA_HOME/doctolib-telehealth (or ~/.local/share/doctolib-telehealth).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>TCP port on 127.0.0.1 (for psql and tools); the server itself connects through the unix socket.</summary>
    public int Port { get; set; } = 5433;

    public string Database { get; set; } = "telehealth";

    public string ResolveDataDirectory()
    {
        if (!string.IsNullOrWhiteSpace(DataDirectory))
        {
            return Path.GetFullPath(DataDirectory);
        }
        if (Environment.UserName == "root")
        {
            return "/var/lib/doctolib-telehealth";
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : xdg;
        return Path.Combine(root, "doctolib-telehealth");
    }
}
