using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Doctolib.Telehealth.Nodes.Bench;
using Microsoft.AspNetCore.SignalR.Client;

// Several nodes, real processes: three server nodes sharing one PostgreSQL database, one redis-server and the Stripe
// emulator; participants are a real SignalR client and our WebRTC test peer each. Figures are printed, nothing asserted.
//   Nodes.Bench <repo root> [--only drain|kill|join|rolling] [--moves 20] [--joins 10] [--logs DIR]
var root = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : Directory.GetCurrentDirectory();
var only = Option("--only");
var moves = int.Parse(Option("--moves") ?? "20", CultureInfo.InvariantCulture);
var joins = int.Parse(Option("--joins") ?? "10", CultureInfo.InvariantCulture);
using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(60));
BenchCluster cluster;
try
{
    cluster = await BenchCluster.StartAsync(root, overall.Token);
}
catch (Exception error) when (error is InvalidOperationException or TimeoutException or HttpRequestException)
{
    // Returning (not crashing) lets the test infrastructure stop its PostgreSQL cluster at exit.
    Console.WriteLine($"the nodes did not start: {error}");
    return 1;
}
await using var owned = cluster;
Console.WriteLine($"three nodes up: {string.Join(", ", cluster.Nodes.Select(n => $"{n.Id} http {n.BaseAddress.Port} udp {n.UdpPort}"))}");
var consultations = 0;
try
{
    if (only is null or "drain")
    {
        await GapsAsync(kill: false);
    }
    if (only is null or "kill")
    {
        await GapsAsync(kill: true);
    }
    if (only is null or "join")
    {
        await JoinToFirstFrameAsync();
    }
    if (only is null or "rolling")
    {
        await RollingRestartAsync();
    }
}
catch (Exception error)
{
    WriteLogs();
    Console.WriteLine($"bench failed: {error}");
    foreach (var node in cluster.Nodes)
    {
        Console.WriteLine($"--- node {node.Id} (warnings and errors) ---");
        foreach (var line in node.Output.Split('\n').Where(l => l.Contains("\"@l\":\"Error", StringComparison.Ordinal) || l.Contains("\"@l\":\"Warning", StringComparison.Ordinal)).TakeLast(15))
        {
            Console.WriteLine(line);
        }
    }
    return 1;
}
WriteLogs();
return 0;

// --logs DIR: each node's console output (all its runs) to DIR/node-{id}.log, to read the nodes' Debug timings.
void WriteLogs()
{
    if (Option("--logs") is { } folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var node in cluster.Nodes)
        {
            File.WriteAllText(Path.Combine(folder, $"node-{node.Id}.log"), node.Output);
        }
    }
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

async Task<(Guid Id, BenchClient Practitioner, BenchClient Patient)> ConsultationAsync(string practitionerNode, string patientNode, string? placeOn, TimeSpan tick)
{
    var n = ++consultations;
    var id = await cluster.CreateAppointmentAsync($"pr-{n}", $"pa-{n}");
    if (placeOn is not null)
    {
        await cluster.PlaceAsync(id, placeOn);
    }
    var practitioner = new BenchClient(cluster, id, $"pr-{n}", await cluster.TokenAsync($"pr-{n}", "practitioner"), practitionerNode);
    var patient = new BenchClient(cluster, id, $"pa-{n}", await cluster.TokenAsync($"pa-{n}", "patient"), patientNode);
    await practitioner.ConnectAsync();
    await patient.ConnectAsync();
    await practitioner.JoinAsync();
    await patient.JoinAsync();
    await practitioner.Hub.InvokeAsync<JsonElement>("Admit", id, $"pa-{n}");
    await practitioner.StartMediaAsync();
    await patient.StartMediaAsync();
    practitioner.StartPublishing(tick);
    patient.StartPublishing(tick);
    if (!await FlowingAsync([practitioner, patient], TimeSpan.FromSeconds(30)))
    {
        throw new TimeoutException($"consultation {n}: media did not flow both ways");
    }
    return (id, practitioner, patient);
}

// True once every client received packets over the last half second (bounded).
static async Task<bool> FlowingAsync(IReadOnlyList<BenchClient> clients, TimeSpan within)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < within)
    {
        var before = clients.Select(c => c.Received).ToArray();
        await Task.Delay(500);
        if (clients.Select((c, i) => c.Received > before[i]).All(x => x))
        {
            return true;
        }
    }
    return false;
}

// The media gap of a drain (SIGTERM) or a crash (kill -9) of the room's node, over `moves` moves. Both hubs stay on a
// node that is not the room's, so the figure is the media's move alone.
async Task GapsAsync(bool kill)
{
    var label = kill ? "kill -9" : "SIGTERM";
    var (id, practitioner, patient) = await ConsultationAsync("a", "a", placeOn: "b", TimeSpan.FromMilliseconds(20));
    BenchClient[] clients = [practitioner, patient];
    var client = new List<double>();
    var billed = new List<double>();
    var moved = new List<double>();
    for (var i = 0; i < moves; i++)
    {
        var roomNode = await cluster.PlacementAsync(id) ?? throw new InvalidOperationException("no placement");
        foreach (var c in clients.Where(c => c.HubNode == roomNode))
        {
            await c.SwitchHubAsync(cluster.AnyRunning(except: roomNode).Id);
        }
        await FlowingAsync(clients, TimeSpan.FromSeconds(20));
        await Task.Delay(1000);
        var clock = Stopwatch.StartNew();
        var watch = WatchGapsAsync(clients, TimeSpan.FromSeconds(kill ? 30 : 20));
        await cluster[roomNode].StopAsync(kill, TimeSpan.FromSeconds(60));
        var exited = clock.Elapsed;
        var gaps = await watch;
        var newNode = await cluster.PlacementAsync(id);
        var timeline = await cluster.MediaTimelineAsync(id, DateTime.UnixEpoch);
        var billedGap = TimelineGap(timeline);
        Console.WriteLine($"{label} {i + 1}/{moves}: room {roomNode} -> {newNode}; longest time without a packet received: {gaps.Max():0.00} s " +
            $"(practitioner {gaps[0]:0.00}, patient {gaps[1]:0.00}); unbilled gap in the timeline {billedGap:0.00} s; node exited after {exited.TotalSeconds:0.0} s");
        client.Add(gaps.Max());
        if (billedGap is { } g)
        {
            billed.Add(g);
        }
        await cluster[roomNode].StartAsync(overall.Token);
    }
    Console.WriteLine($"{label}: media gap seen by the clients p50 {Percentile(client, 0.5):0.00} s, max {client.Max():0.00} s over {client.Count} moves " +
        $"(goal {(kill ? "15" : "2")} s: {(client.Max() <= (kill ? 15 : 2) ? "met" : "NOT MET")}); " +
        $"timeline (last relay mark of the old node to first relayed packet on the new one) p50 {Percentile(billed, 0.5):0.00} s, max {(billed.Count > 0 ? billed.Max() : double.NaN):0.00} s");
    await practitioner.DisposeAsync();
    await patient.DisposeAsync();
}

// Polls each client's received-packet count every 5 ms; the longest stretch without a new packet, until the room's
// media has been back for 3 s or the bound passes.
static async Task<double[]> WatchGapsAsync(IReadOnlyList<BenchClient> clients, TimeSpan bound)
{
    var clock = Stopwatch.StartNew();
    var last = clients.Select(c => c.Received).ToArray();
    var lastAt = clients.Select(_ => 0.0).ToArray();
    var longest = clients.Select(_ => 0.0).ToArray();
    while (clock.Elapsed < bound)
    {
        await Task.Delay(5);
        var now = clock.Elapsed.TotalSeconds;
        for (var i = 0; i < clients.Count; i++)
        {
            var received = clients[i].Received;
            if (received > last[i])
            {
                longest[i] = Math.Max(longest[i], now - lastAt[i]);
                last[i] = received;
                lastAt[i] = now;
            }
        }
        if (clients.All(c => c.Moves > 0 || c.Reconnects > 0) && longest.All(l => l > 0) && lastAt.All(t => now - t < 0.1) && now - longest.Max() > 3)
        {
            break;
        }
    }
    var end = clock.Elapsed.TotalSeconds;
    return [.. longest.Select((l, i) => Math.Max(l, end - lastAt[i]))];
}

// The timeline's unbilled gap of the move: for each participant, from the last media_down a move wrote (moved,
// node_lost; at the old node's last relay mark) to the next media_up; the longer of the two.
static double? TimelineGap(List<(DateTime At, string Kind, string Participant, string? Detail)> timeline)
{
    double? gap = null;
    foreach (var who in timeline.Select(e => e.Participant).Distinct())
    {
        var entries = timeline.Where(e => e.Participant == who).ToList();
        var down = entries.FindLastIndex(e => e.Kind == "media_down" && e.Detail is "moved" or "node_lost");
        var up = down < 0 ? -1 : entries.FindIndex(down, e => e.Kind == "media_up");
        if (up > down)
        {
            var seconds = (entries[up].At - entries[down].At).TotalSeconds;
            gap = Math.Max(gap ?? 0, seconds);
        }
    }
    return gap;
}

// Join (an admitted participant joining again, as after a reload) to the first keyframe of the other participant's
// video on the new peer: the room on the caller's hub node ("local"), or on another node ("relayed": every media call
// goes over Redis to the room's node). The two rooms' joins are interleaved, one of each per round, the order swapped
// every round, so that both see the same machine load; the first round is a warm-up and is not counted.
async Task JoinToFirstFrameAsync()
{
    var rooms = new List<(string Label, string RoomNode, BenchClient Practitioner, BenchClient Patient, List<double> Times, List<double[]> Parts)>();
    foreach (var (label, roomNode) in new[] { ("local", "a"), ("relayed", "b") })
    {
        var (_, practitioner, patient) = await ConsultationAsync("c", "a", placeOn: roomNode, TimeSpan.FromMilliseconds(20));
        rooms.Add((label, roomNode, practitioner, patient, [], []));
    }
    string[] partNames = ["Join", "SendOffer", "ICE and DTLS", "to the re-offer", "SendAnswer", "to the keyframe"];
    for (var i = 0; i < joins + 1; i++)
    {
        foreach (var k in i % 2 == 0 ? new[] { 0, 1 } : [1, 0])
        {
            var (_, _, practitioner, patient, times, parts) = rooms[k];
            await Task.Delay(500);
            var clock = Stopwatch.StartNew();
            await patient.JoinAsync();
            var joined = clock.Elapsed.TotalMilliseconds;
            await patient.StartMediaAsync();
            var publisher = practitioner.Peer!;
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && !(patient.Peer!.Stream(publisher.VideoSsrc)?.Keyframes > 0))
            {
                await Task.Delay(1);
            }
            var total = clock.Elapsed.TotalMilliseconds;
            if (i > 0)
            {
                times.Add(total);
                var connected = joined + patient.OfferMs + patient.ConnectMs;
                var reOffer = joined + patient.ReOfferMs;
                var answered = joined + patient.AnsweredMs;
                parts.Add([joined, patient.OfferMs, patient.ConnectMs, reOffer - connected, answered - reOffer, total - answered]);
            }
        }
    }
    foreach (var (label, roomNode, practitioner, patient, times, parts) in rooms)
    {
        var partsText = string.Join(", ", partNames.Select((name, k) => $"{name} {Percentile([.. parts.Select(p => p[k])], 0.5):0}"));
        Console.WriteLine($"join to first frame, room {label} (hub a, room on {roomNode}): p50 {Percentile(times, 0.5):0} ms, p90 {Percentile(times, 0.9):0} ms, " +
            $"max {times.Max():0} ms over {times.Count} joins (p50 of its parts, ms: {partsText})");
        await practitioner.DisposeAsync();
        await patient.DisposeAsync();
    }
    var ratio = Percentile(rooms[1].Times, 0.5) / Percentile(rooms[0].Times, 0.5);
    Console.WriteLine($"join to first frame: relayed / local (p50) = {ratio:0.00}, (p90) = {Percentile(rooms[1].Times, 0.9) / Percentile(rooms[0].Times, 0.9):0.00} " +
        $"(goal <= 1.2 on p50: {(ratio <= 1.2 ? "met" : "NOT MET")})");
}

// Ten live consultations (hubs spread over the three nodes, rooms placed by load); each node in turn gets SIGTERM, is
// started again and serves; then every consultation is ended and its charge read from the Stripe emulator.
async Task RollingRestartAsync()
{
    var calls = new List<(Guid Id, BenchClient Practitioner, BenchClient Patient)>();
    string[] ids = ["a", "b", "c"];
    for (var i = 0; i < 10; i++)
    {
        calls.Add(await ConsultationAsync(ids[i % 3], ids[(i + 1) % 3], placeOn: null, TimeSpan.FromMilliseconds(100)));
    }
    var clients = calls.SelectMany(c => new[] { c.Practitioner, c.Patient }).ToList();
    Console.WriteLine($"rolling restart: 10 consultations live, rooms on {string.Join(" ", await Task.WhenAll(calls.Select(c => cluster.PlacementAsync(c.Id))))}");
    foreach (var node in cluster.Nodes)
    {
        var clock = Stopwatch.StartNew();
        await node.StopAsync(kill: false, TimeSpan.FromSeconds(60));
        var drained = clock.Elapsed;
        await node.StartAsync(overall.Token);
        var serving = clock.Elapsed;
        var back = await FlowingAsync(clients, TimeSpan.FromSeconds(60));
        Console.WriteLine($"rolling restart: node {node.Id} drained and exited in {drained.TotalSeconds:0.0} s, serving again at {serving.TotalSeconds:0.0} s, " +
            $"media both ways in every consultation {(back ? $"at {clock.Elapsed.TotalSeconds:0.0} s" : "NOT within 60 s")}");
    }
    var ended = 0;
    foreach (var call in calls)
    {
        if (await cluster.StateAsync(call.Id) == "ended")
        {
            ended++;
        }
    }
    foreach (var call in calls)
    {
        await call.Practitioner.Hub.InvokeAsync("End", call.Id, true, (string?)null);
    }
    var clock2 = Stopwatch.StartNew();
    while (clock2.Elapsed < TimeSpan.FromSeconds(60))
    {
        var charges = await Task.WhenAll(calls.Select(c => cluster.ChargeAsync(c.Id)));
        if (charges.All(c => c is { Status: "captured" or "released" or "failed" }))
        {
            break;
        }
        await Task.Delay(500);
    }
    int once = 0, doubled = 0, lost = 0;
    foreach (var call in calls)
    {
        var captures = cluster.Stripe.IntentsFor(call.Id).Sum(p => p.CaptureCount);
        var charge = await cluster.ChargeAsync(call.Id);
        if (captures == 1 && charge is { Status: "captured" })
        {
            once++;
        }
        else if (captures > 1)
        {
            doubled++;
        }
        else
        {
            lost++;
            Console.WriteLine($"  consultation {call.Id}: charge {charge?.Status ?? "none"}, {captures} captures");
        }
    }
    var moves = clients.Sum(c => c.Moves);
    var reconnects = clients.Sum(c => c.Reconnects);
    Console.WriteLine($"rolling restart of a, b, c during 10 consultations: {ended} ended by the restarts, {once} billed exactly once, {doubled} doubled, {lost} lost " +
        $"(MediaMoved handled {moves} times, hub reconnects {reconnects}, client errors {clients.Sum(c => c.Errors.Count)})");
    foreach (var error in clients.SelectMany(c => c.Errors).Distinct().Take(5))
    {
        Console.WriteLine($"  client error: {error}");
    }
    foreach (var client in clients)
    {
        await client.DisposeAsync();
    }
}

static double Percentile(List<double> values, double p)
{
    if (values.Count == 0)
    {
        return double.NaN;
    }
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
