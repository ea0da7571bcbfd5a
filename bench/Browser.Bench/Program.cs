using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

// Relayed vs direct video bitrate in Chromium: two pages call each other through the server, then one page calls
// itself peer-to-peer on loopback; the receiving side's video bitrate is printed at 10 s and 20 s for both, and the
// server's CPU per forwarded RTP packet over [10 s, 20 s] of the relayed call (issue 9), by thread.
// Run inside a private network namespace (scripts/bench-browser.sh does it): Chromium must not reach other interfaces.
// A second argument runs another tree's Release build of the server (an old build, side by side).
var root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
var serverRoot = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : root;
var serverDll = Path.Combine(serverRoot, "src/Signaling/bin/Release/net10.0/Doctolib.Telehealth.Signaling.dll");
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"Build the server first (dotnet build -c Release src/Signaling): {serverDll} is missing.");
    return 2;
}
if (System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Any(n => n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback))
{
    Console.Error.WriteLine("Run this inside a private network namespace: unshare -n bash -c 'ip link set lo up; exec ...' (scripts/bench-browser.sh).");
    return 2;
}
if (args.Contains("--shaped"))
{
    return await Doctolib.Telehealth.Browser.Bench.Shaped.ShapedBench.RunAsync(root, serverDll, args.SkipWhile(a => a != "--shaped").Skip(1).FirstOrDefault());
}
await using var server = await Doctolib.Telehealth.Browser.Bench.BenchServer.StartAsync(serverDll, serverRoot);
var baseUrl = server.BaseUrl;
var http = server.Http;
var id = Guid.NewGuid();
using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}"))
{
    put.Headers.Authorization = new("Bearer", await TokenAsync(http, "bench-scheduler", "scheduler"));
    put.Content = JsonContent.Create(new
    {
        practitionerId = "bench-pr", patientId = "bench-pa", startsAt = DateTimeOffset.UtcNow, durationMinutes = 30,
        price = new { amount = 2500, currency = "EUR" }, payer = new { type = "third_party", insurerReference = "bench" },
    });
    (await http.SendAsync(put)).EnsureSuccessStatusCode();
}
using var playwright = await Playwright.CreateAsync();
await using var browser = await Doctolib.Telehealth.Browser.Bench.BenchServer.LaunchChromiumAsync(playwright);
var script = await new StreamReader(typeof(Program).Assembly.GetManifestResourceStream("Doctolib.Telehealth.Browser.Bench.bench.js")!).ReadToEndAsync();
var signalr = Path.Combine(root, "src/Signaling/ClientApp/node_modules/@microsoft/signalr/dist/browser/signalr.min.js");
async Task<IPage> PageAsync()
{
    // The bench injects its scripts into a server page: the server's Content-Security-Policy (rightly) forbids that.
    var page = await (await browser.NewContextAsync(new() { BypassCSP = true })).NewPageAsync();
    await page.GotoAsync(baseUrl + "/healthz");
    await page.AddScriptTagAsync(new() { Path = signalr });
    await page.AddScriptTagAsync(new() { Content = script });
    return page;
}
var practitioner = await PageAsync();
var patient = await PageAsync();
await practitioner.EvaluateAsync("a => benchRelay(a)", new { token = await TokenAsync(http, "bench-pr", "practitioner"), id, me = "bench-pr", waitForAdmission = false });
await patient.EvaluateAsync("a => benchRelay(a)", new { token = await TokenAsync(http, "bench-pa", "patient"), id, me = "bench-pa", waitForAdmission = true });
await practitioner.EvaluateAsync("id => window.hub.invoke('Admit', id, 'bench-pa')", id);
var cpu = MeasureCpuAsync(http, server.ProcessId);
var relayTimeline = TimelineAsync(practitioner, "relay");
var relay = await MeasureAsync(patient);
await relayTimeline;
var (perThread, forwarded) = await cpu;
var direct = await PageAsync();
await direct.EvaluateAsync("() => benchDirect()");
var directTimeline = TimelineAsync(direct, "direct");
var peer = await MeasureAsync(direct);
await directTimeline;
Console.WriteLine("Chromium receiver video bitrate (fake camera 30 fps, 1280x720 asked), relayed through the SFU vs direct on loopback:");
for (var i = 0; i < relay.Count; i++)
{
    Console.WriteLine($"  t={relay[i].At,2} s  relay {relay[i].Kbps,5} kbps {relay[i].Resolution,-9}  direct {peer[i].Kbps,5} kbps {peer[i].Resolution,-9}  ratio {100.0 * relay[i].Kbps / Math.Max(1, peer[i].Kbps),5:0.0} %");
}
var total = perThread.Values.Sum();
Console.WriteLine($"Server CPU over [10 s, 20 s] of the relayed call: {total:0} ms for {forwarded} forwarded RTP packets, " +
    $"{total * 1000 / Math.Max(1, forwarded):0.0} us per forwarded packet (goal <= 120 us; was 370 us, Janus 238 us). By thread:");
foreach (var (name, ms) in perThread.Where(p => p.Value >= 0.05).OrderByDescending(p => p.Value))
{
    Console.WriteLine($"  {ms,8:0.0} ms  {ms * 1000 / Math.Max(1, forwarded),7:0.0} us/packet  {name}");
}
return 0;

static async Task<List<(int At, long Kbps, string Resolution)>> MeasureAsync(IPage page)
{
    var started = Stopwatch.StartNew();
    var result = new List<(int, long, string)>();
    foreach (var at in new[] { 10, 20 })
    {
        var wait = TimeSpan.FromSeconds(at - 2) - started.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        var a = await page.EvaluateAsync<JsonElement>("() => benchStats()");
        await Task.Delay(2000);
        var b = await page.EvaluateAsync<JsonElement>("() => benchStats()");
        var kbps = (long)((b.GetProperty("bytes").GetDouble() - a.GetProperty("bytes").GetDouble()) * 8 / (b.GetProperty("t").GetDouble() - a.GetProperty("t").GetDouble()));
        result.Add((at, kbps, $"{b.GetProperty("w").GetInt32()}x{b.GetProperty("h").GetInt32()}"));
    }
    return result;
}

// BENCH_TIMELINE=1: the sender's estimate, encoder target and send rate each second for 20 s (to see what limits a ramp).
static async Task TimelineAsync(IPage sender, string name)
{
    if (Environment.GetEnvironmentVariable("BENCH_TIMELINE") != "1")
    {
        return;
    }
    var started = Stopwatch.StartNew();
    JsonElement? last = null;
    for (var at = 1; at <= 20; at++)
    {
        var wait = TimeSpan.FromSeconds(at) - started.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        var s = await sender.EvaluateAsync<JsonElement>("() => benchSenderStats()");
        var sent = last is { } l && s.GetProperty("t").GetDouble() > l.GetProperty("t").GetDouble()
            ? (s.GetProperty("bytes").GetDouble() - l.GetProperty("bytes").GetDouble()) * 8 / (s.GetProperty("t").GetDouble() - l.GetProperty("t").GetDouble()) : 0;
        last = s;
        Console.WriteLine($"  {name,-6} t={at,2} s  estimate {s.GetProperty("available").GetDouble() / 1000,6:0} kbps  target {s.GetProperty("target").GetDouble() / 1000,6:0} kbps  sent {sent,6:0} kbps  width {s.GetProperty("w").GetInt32()}");
    }
}

// The server's CPU (schedstat, by thread) and its forwarded-packet counter (/metrics) at 10 s and 20 s from now.
static async Task<(Dictionary<string, double> PerThread, long Forwarded)> MeasureCpuAsync(HttpClient http, int pid)
{
    var started = Stopwatch.StartNew();
    var cpu = new ServerCpu(pid);
    using var stop = new CancellationTokenSource();
    var follow = cpu.FollowAsync(stop.Token);
    // The bench's own /metrics reads stay out of the window: one now, since the first scrape costs the server far more
    // than the next (its code runs for the first time: 100+ ms of JIT on a loaded box), then the counter is read just
    // before the first CPU snapshot and just after the second.
    _ = await ForwardedAsync(http);
    await Task.Delay(TimeSpan.FromSeconds(10) - started.Elapsed);
    var forwardedBefore = await ForwardedAsync(http);
    var (before, windowStart) = (cpu.Snapshot(), Stopwatch.GetTimestamp());
    await Task.Delay(TimeSpan.FromSeconds(20) - started.Elapsed);
    var (after, windowEnd) = (cpu.Snapshot(), Stopwatch.GetTimestamp());
    var forwardedAfter = await ForwardedAsync(http);
    // CLOCK_MONOTONIC seconds, to look at the same window in a profile (perf record -k CLOCK_MONOTONIC, perf report --time).
    Console.WriteLine($"CPU window: {(windowEnd - windowStart) / (double)Stopwatch.Frequency:0.00} s, CLOCK_MONOTONIC {windowStart / (double)Stopwatch.Frequency:0.000000},{windowEnd / (double)Stopwatch.Frequency:0.000000}");
    await stop.CancelAsync();
    await follow;
    return (ServerCpu.Delta(before, after), forwardedAfter - forwardedBefore);
}

static async Task<long> ForwardedAsync(HttpClient http)
{
    const string name = "telehealth_media_rtp_forwarded_total";
    foreach (var line in (await http.GetStringAsync("/metrics")).Split('\n'))
    {
        if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{')
        {
            var value = line[name.Length] == '{' ? line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..] : line[name.Length..];
            return (long)double.Parse(value.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
    throw new InvalidOperationException($"/metrics has no {name}.");
}

static async Task<string> TokenAsync(HttpClient http, string sub, string role)
{
    var response = await http.PostAsJsonAsync("/dev/tokens", new { sub, role });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
}

