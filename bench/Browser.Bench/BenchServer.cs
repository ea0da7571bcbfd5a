using System.Diagnostics;
using System.Globalization;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.Playwright;

namespace Doctolib.Telehealth.Browser.Bench;

/// <summary>The server under bench: a Release build started on free loopback ports with its own embedded PostgreSQL
/// cluster and no demo data, ready once /healthz answers; stopped with SIGTERM, not Kill(), so that it takes its
/// cluster down with it.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly Process _process;

    private BenchServer(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts <paramref name="serverDll"/> with <paramref name="contentRoot"/>'s src/Signaling as its content
    /// root and waits until it serves.</summary>
    public static async Task<BenchServer> StartAsync(string serverDll, string contentRoot)
    {
        var baseUrl = $"http://127.0.0.1:{FreePorts.Tcp()}";
        var data = Directory.CreateTempSubdirectory("bench-pg.").FullName;
        var process = Process.Start(new ProcessStartInfo("dotnet", [serverDll, "--urls", baseUrl, "--contentRoot", Path.Combine(contentRoot, "src/Signaling")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Database__Embedded__DataDirectory"] = data,
                ["Database__Embedded__Port"] = FreePorts.Tcp().ToString(CultureInfo.InvariantCulture),
                ["Media__UdpPort"] = FreePorts.Udp().ToString(CultureInfo.InvariantCulture),
                ["Demo__Seed"] = "false",
            },
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new BenchServer(process, baseUrl);
        try
        {
            await ServerHealth.WaitAsync(server.Http);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Headless Chromium with a fake 30 fps camera and microphone, loopback candidates allowed and its
    /// background traffic off; <paramref name="extraArgs"/> are added.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright, params string[] extraArgs) =>
        playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream=fps=30", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", .. extraArgs],
        });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term!.WaitForExitAsync();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
