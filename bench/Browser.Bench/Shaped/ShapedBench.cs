using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Doctolib.Telehealth.Browser.Bench.Shaped;

/// <summary>One shaping of the shaped benchmark and how it is compared.</summary>
internal sealed record Shaping(string Name, PartyLimit[] Limits, double? LiftAt = null, bool ThreeParty = false, bool AudioOnlyExpected = false);

/// <summary><c>--shaped</c>: relayed vs direct Chromium calls with one participant's link limited by tc (HTB + u32 on lo,
/// see <see cref="NetworkShaper"/>), sampled at 10, 20 and 40 s, with the issue's goals printed beside the figures.
/// The direct call is two pages with one RTCPeerConnection each, signalled by the bench (no server media).</summary>
internal static class ShapedBench
{
    private static readonly double[] Times = [10, 20, 40];

    public static IReadOnlyList<Shaping> Shapings { get; } =
    [
        new("patient uplink 500 kbit", [new(Party.Patient, ShapedDirection.Uplink, 500)]),
        new("patient downlink 300 kbit", [new(Party.Patient, ShapedDirection.Downlink, 300)]),
        new("patient up+down 100 kbit", [new(Party.Patient, ShapedDirection.Uplink, 100), new(Party.Patient, ShapedDirection.Downlink, 100)],
            AudioOnlyExpected: true),
        new("patient up+down 100 kbit for 20 s, then unshaped",
            [new(Party.Patient, ShapedDirection.Uplink, 100), new(Party.Patient, ShapedDirection.Downlink, 100)], LiftAt: 20, AudioOnlyExpected: true),
        new("three-party, guest up+down 300 kbit", [new(Party.Guest, ShapedDirection.Uplink, 300), new(Party.Guest, ShapedDirection.Downlink, 300)],
            ThreeParty: true),
    ];

    public static async Task<int> RunAsync(string root, string serverDll, string? only)
    {
        var port = FreeTcpPort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var data = Directory.CreateTempSubdirectory("bench-pg.").FullName;
        using var server = Process.Start(new ProcessStartInfo("dotnet", [serverDll, "--urls", baseUrl, "--contentRoot", Path.Combine(root, "src/Signaling")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Database__Embedded__DataDirectory"] = data,
                ["Database__Embedded__Port"] = FreeTcpPort().ToString(CultureInfo.InvariantCulture),
                ["Media__UdpPort"] = FreeUdpPort().ToString(CultureInfo.InvariantCulture),
                ["Demo__Seed"] = "false",
            },
        })!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await ServerHealth.WaitAsync(http);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream=fps=30", "--use-fake-ui-for-media-stream",
                    "--allow-loopback-in-peer-connection", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required"],
            });
            var script = await new StreamReader(typeof(ShapedBench).Assembly.GetManifestResourceStream("Doctolib.Telehealth.Browser.Bench.shaped.js")!).ReadToEndAsync();
            var signalr = Path.Combine(root, "src/Signaling/ClientApp/node_modules/@microsoft/signalr/dist/browser/signalr.min.js");
            Console.WriteLine("Shaped calls (tc HTB class + pfifo limit 30 on lo, matched on the browser's UDP port), Chromium fake camera 30 fps, 1280x720 asked.");
            Console.WriteLine("kbps and fps over the 2 s before each time; freezes (freezeCount) and audio concealed/total samples since the shaping began;");
            Console.WriteLine("rtt: the receiver's selected candidate pair. 'A<-B' is what A receives from B. Direct = page-to-page RTCPeerConnection, no server media.");
            // NAME picks the shapings whose name contains it; "=NAME", the one shaping of that exact name.
            foreach (var shaping in Shapings.Where(s => only is null
                || (only.StartsWith('=') ? s.Name.Equals(only[1..], StringComparison.OrdinalIgnoreCase) : s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))))
            {
                Console.WriteLine();
                Console.WriteLine($"== {shaping.Name}   (load average {File.ReadAllText("/proc/loadavg").Trim()}, {Environment.ProcessorCount} cores)");
                var call = new ShapedCall(browser, baseUrl, http, script, signalr) { LiftAt = shaping.LiftAt };
                if (shaping.ThreeParty)
                {
                    var unshaped = await call.RunAsync(relayed: true, threeParty: true, []);
                    var shaped = await call.RunAsync(relayed: true, threeParty: true, shaping.Limits);
                    ShapedReport.PrintThreeParty(shaping, unshaped, shaped, Times);
                }
                else
                {
                    var relayed = await call.RunAsync(relayed: true, threeParty: false, shaping.Limits);
                    var direct = await call.RunAsync(relayed: false, threeParty: false, shaping.Limits);
                    ShapedReport.PrintPair(shaping, relayed, direct, Times);
                }
            }
            return 0;
        }
        finally
        {
            // SIGTERM, not Kill(): the server stops gracefully and takes its embedded PostgreSQL cluster down with it.
            using (var term = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            await server.WaitForExitAsync();
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
