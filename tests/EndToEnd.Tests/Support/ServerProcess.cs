using System.Diagnostics;
using System.Text;
using Doctolib.Telehealth.TestInfrastructure;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>The real server, started from its build output as a child process on 127.0.0.1, with the page bundle
/// from src/Signaling/wwwroot. Its console output is kept to explain a failure.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string SigningKey = "ZW5kLXRvLWVuZC1icm93c2VyLXRlc3RzLXNpZ25pbmcta2V5LTMyYnl0ZXM=";
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServerProcess(Process process, Uri baseAddress, int mediaPort)
    {
        this.process = process;
        BaseAddress = baseAddress;
        MediaPort = mediaPort;
    }

    public Uri BaseAddress { get; }

    /// <summary>The media plane's UDP port, the one browsers must see as the remote candidate.</summary>
    public int MediaPort { get; }

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

    public static Task<ServerProcess> StartAsync(string connectionString, CancellationToken cancellationToken) =>
        StartAsync(connectionString, new Dictionary<string, string>(), cancellationToken);

    /// <summary>Starts the server with extra environment <paramref name="settings"/> (a node among several: its
    /// <c>Node__Id</c>, the shared <c>Redis__Configuration</c>).</summary>
    public static async Task<ServerProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var project = Path.Combine(root, "src", "Signaling");
        if (!File.Exists(Path.Combine(project, "wwwroot", "visit.html")))
        {
            throw new InvalidOperationException("The web client is not built: run scripts/build-client.sh first.");
        }
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Doctolib.Telehealth.Signaling.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The server is not built ({dll}): build tests/EndToEnd.Tests first.");
        }
        var port = FreePorts.Tcp();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(project);
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "EndToEnd";
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        env["Urls"] = $"http://127.0.0.1:{port}";
        env["ConnectionStrings__Telehealth"] = connectionString;
        env["Auth__SigningKey"] = SigningKey;
        env["Auth__DevTokens"] = "true";
        env["Demo__Seed"] = "false";
        var mediaPort = FreePorts.Udp();
        env["Media__UdpPort"] = mediaPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["Media__BindAddress"] = "127.0.0.1";
        env["Media__AdvertisedAddress"] = "127.0.0.1";
        env["Billing__MinimumBillableSeconds"] = "2";
        env["Billing__Worker__PollIntervalMs"] = "100";
        env.Remove("STRIPE_SECRET_KEY");
        foreach (var (key, value) in settings)
        {
            env[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"), mediaPort);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitHealthyAsync(cancellationToken);
        return server;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private Task WaitHealthyAsync(CancellationToken cancellationToken) =>
        ServerReadiness.WaitAsync(BaseAddress, process, "The server", () => Output, TimeSpan.FromSeconds(60), cancellationToken);

    /// <summary>SIGTERM, as Kubernetes sends before stopping a pod (or SIGKILL, as <c>kill -9</c>), and the exit.</summary>
    public async Task SignalAsync(bool kill, TimeSpan within)
    {
        if (kill)
        {
            process.Kill();
        }
        else
        {
            using var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await signal!.WaitForExitAsync();
        }
        await process.WaitForExitAsync().WaitAsync(within);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        process.Dispose();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doctolib.Telehealth.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (Doctolib.Telehealth.sln) above " + AppContext.BaseDirectory);
    }
}
