namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>Chromium sends WebRTC candidates, STUN and DNS to every interface it sees, so these tests only run in a
/// private network namespace whose only interface is loopback. Outside one they refuse to start Chromium.
/// (/proc/self/net/dev lists the interfaces of this process's own namespace; /sys/class/net may show the host's.)</summary>
internal static class NetworkIsolation
{
    public const string HowToRun =
        "The browser tests must run inside a private network namespace that has only loopback. Build first, then run:\n" +
        "  unshare -n bash -c 'ip link set lo up; exec dotnet test tests/EndToEnd.Tests --no-build'";

    public static void Require()
    {
        var interfaces = File.ReadAllLines("/proc/self/net/dev")
            .Skip(2)
            .Select(line => line.Split(':', 2)[0].Trim())
            .Where(name => name.Length > 0)
            .ToArray();
        var others = interfaces.Where(name => name != "lo").ToArray();
        if (others.Length > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to start Chromium: this network namespace has interfaces other than loopback ({string.Join(", ", others)}).\n" + HowToRun);
        }
        if (!interfaces.Contains("lo"))
        {
            throw new InvalidOperationException("There is no loopback interface in this namespace.\n" + HowToRun);
        }
    }
}
