using System.Diagnostics;
using System.Globalization;
using System.Text;
using Doctolib.Telehealth.TestInfrastructure;

namespace Doctolib.Telehealth.Nodes.Bench;

/// <summary>One server node as a child process, with the configuration contract of several nodes: shared
/// <c>ConnectionStrings__Telehealth</c> and <c>Redis__Configuration</c>, its own <c>Urls</c>, <c>Media__UdpPort</c>,
/// <c>Media__AdvertisedAddress</c> and <c>Node__Id</c>. A restart keeps its id and ports, as a pod keeps its name.</summary>
internal sealed class NodeProcess(string id, string dll, string contentRoot, int httpPort, int udpPort, IReadOnlyDictionary<string, string> shared)
{
    private readonly StringBuilder output = new();
    private Process? process;

    public string Id { get; } = id;

    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{httpPort}");

    public int UdpPort { get; } = udpPort;

    public bool Running => process is { HasExited: false };

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = contentRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(contentRoot);
        var env = start.Environment;
        env.Remove("STRIPE_SECRET_KEY");
        env["ASPNETCORE_ENVIRONMENT"] = "EndToEnd";
        env["Urls"] = BaseAddress.ToString().TrimEnd('/');
        env["ASPNETCORE_URLS"] = env["Urls"];
        env["Media__UdpPort"] = UdpPort.ToString(CultureInfo.InvariantCulture);
        env["Media__BindAddress"] = "127.0.0.1";
        env["Media__AdvertisedAddress"] = "127.0.0.1";
        env["Node__Id"] = Id;
        env["Auth__DevTokens"] = "true";
        env["Demo__Seed"] = "false";
        env["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (key, value) in shared)
        {
            env[key] = value;
        }
        var started = new Process { StartInfo = start, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) => Append(e.Data);
        started.ErrorDataReceived += (_, e) => Append(e.Data);
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        await WaitReadyAsync(cancellationToken);
    }

    /// <summary>SIGTERM (the drain; waits for the exit) or SIGKILL (<c>kill -9</c>).</summary>
    public async Task StopAsync(bool kill, TimeSpan within)
    {
        if (process is not { HasExited: false } running)
        {
            return;
        }
        if (kill)
        {
            running.Kill();
        }
        else
        {
            using var signal = Process.Start("kill", ["-TERM", running.Id.ToString(CultureInfo.InvariantCulture)]);
            await signal!.WaitForExitAsync();
        }
        await running.WaitForExitAsync().WaitAsync(within);
    }

    public Task KillNowAsync() => StopAsync(kill: true, TimeSpan.FromSeconds(20));

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private Task WaitReadyAsync(CancellationToken cancellationToken) =>
        ServerReadiness.WaitAsync(BaseAddress, process!, $"Node {Id}", () => Output, TimeSpan.FromSeconds(90), cancellationToken);
}
