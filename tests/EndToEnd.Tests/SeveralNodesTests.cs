using System.Diagnostics;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>Several server processes: the patient's page and hub on node a, the practitioner's on node b, the room's
/// media on one node; a SIGTERM (drain) or a <c>kill -9</c> of the room's node and the media coming back elsewhere.
/// The measured gaps are printed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SeveralNodesTests(ClusterWorld world, ITestOutputHelper output) : BrowserTest(world.Contexts)
{
    private const string SelectedRemotePort = """
        async () => {
          const hook = window.__telehealth;
          if (!hook || !hook.pc) return null;
          const stats = await hook.pc.getStats();
          let pair = null;
          stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
          if (!pair || pair.state !== 'succeeded') return null;
          const decoded = [];
          stats.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') decoded.push(r.framesDecoded ?? 0); });
          if (!decoded.some(f => f > 0)) return null;
          return stats.get(pair.remoteCandidateId).port;
        }
        """;

    /// <summary>Starts a poller in the page (every 50 ms): frames decoded, summed over every peer connection the page has
    /// had (a move's old one keeps its last count), and the longest stretch without a new frame.</summary>
    private const string WatchFrames = """
        () => {
          const watch = { seen: [], last: new Map(), total: 0, at: performance.now(), longest: 0 };
          window.__frames = watch;
          window.setInterval(async () => {
            const pc = window.__telehealth && window.__telehealth.pc;
            if (pc && !watch.seen.includes(pc)) watch.seen.push(pc);
            for (const seen of watch.seen) {
              if (seen.connectionState === 'closed') continue;
              try {
                const stats = await seen.getStats();
                let frames = 0;
                stats.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0; });
                watch.last.set(seen, frames);
              } catch { }
            }
            let total = 0;
            watch.last.forEach(v => total += v);
            const now = performance.now();
            if (total > watch.total) { watch.total = total; watch.at = now; }
            watch.longest = Math.max(watch.longest, now - watch.at);
          }, 50);
        }
        """;

    private async Task<(IPage Patient, IPage Practitioner)> CallAsync(Guid appointment, string suffix)
    {
        var patient = await world.NewPersonAsync("a");
        var practitioner = await world.NewPersonAsync("b");
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("a", "pa-" + suffix, "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        try
        {
            await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
            await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("b", "pr-" + suffix, "practitioner"));
            await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
            await Visit.WaitDecodingAsync(patient);
            await Visit.WaitDecodingAsync(practitioner);
        }
        catch (Exception error) when (error is PlaywrightException or TimeoutException)
        {
            output.WriteLine(world.Problems());
            throw;
        }
        return (patient, practitioner);
    }

    /// <summary>The media port of the page's selected candidate pair once it decodes video.</summary>
    private static async Task<int> MediaPortAsync(IPage page) =>
        (await Visit.UntilAsync(page, SelectedRemotePort, null, "video decoded over a selected pair")).GetInt32();

    [Fact]
    public async Task PatientOnA_PractitionerOnB_BothDecodeVideoFromTheRoomNode_AndChat()
    {
        var appointment = await world.CreateAppointmentAsync("pr-n1", "pa-n1");

        var (patient, practitioner) = await CallAsync(appointment, "n1");

        var roomNode = await world.PlacementAsync(appointment);
        Assert.Contains(roomNode, new[] { "a", "b" });
        Assert.Equal(world[roomNode!].MediaPort, await MediaPortAsync(patient));
        Assert.Equal(world[roomNode!].MediaPort, await MediaPortAsync(practitioner));
        await Visit.SendChatAsync(patient, "Bonjour docteur.");
        await Expect(practitioner.GetByTestId("chat-log")).ToContainTextAsync("Bonjour docteur.");
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RoomNode_Stopped_MediaComesBackOnAnotherNode(bool kill)
    {
        var nodeId = kill ? "killed" : "drained";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var roomNode = await world.StartNodeAsync(nodeId, timeout.Token);
        var appointment = await world.CreateAppointmentAsync("pr-" + nodeId, "pa-" + nodeId);
        await world.PlaceAsync(appointment, nodeId);
        var (patient, practitioner) = await CallAsync(appointment, nodeId);
        Assert.Equal(roomNode.MediaPort, await MediaPortAsync(patient));
        Assert.Equal(roomNode.MediaPort, await MediaPortAsync(practitioner));

        await patient.EvaluateAsync(WatchFrames);
        await practitioner.EvaluateAsync(WatchFrames);
        var clock = Stopwatch.StartNew();
        await roomNode.SignalAsync(kill, TimeSpan.FromSeconds(60));
        var exited = clock.Elapsed;
        int patientPort, practitionerPort;
        TimeSpan patientBack, practitionerBack;
        try
        {
            patientPort = await UntilMovedAsync(patient, roomNode.MediaPort);
            patientBack = clock.Elapsed;
            practitionerPort = await UntilMovedAsync(practitioner, roomNode.MediaPort);
            practitionerBack = clock.Elapsed;
            await Visit.WaitFramesGrowingAsync(patient);
            await Visit.WaitFramesGrowingAsync(practitioner);
        }
        catch (Exception error) when (error is PlaywrightException or TimeoutException)
        {
            // Which node moved the room and when, and what each page's media says, for a failure on a loaded machine.
            output.WriteLine($"after the stop ({clock.Elapsed.TotalSeconds:0.0} s): room on {await world.PlacementAsync(appointment) ?? "none"}; " +
                $"patient {await MediaStateAsync(patient)}; practitioner {await MediaStateAsync(practitioner)}");
            output.WriteLine(world.Problems());
            throw;
        }
        var patientGap = await patient.EvaluateAsync<double>("() => window.__frames.longest");
        var practitionerGap = await practitioner.EvaluateAsync<double>("() => window.__frames.longest");
        output.WriteLine($"{(kill ? "kill -9" : "SIGTERM")} of the room's node: exited after {exited.TotalSeconds:0.0} s; " +
            $"video decoded from the new node (polled after the exit) at {patientBack.TotalSeconds:0.0} s (patient), {practitionerBack.TotalSeconds:0.0} s (practitioner); " +
            $"longest time without a decoded frame: {patientGap / 1000:0.00} s (patient), {practitionerGap / 1000:0.00} s (practitioner)");
        var moved = await world.PlacementAsync(appointment);
        Assert.Contains(moved, new[] { "a", "b" });
        Assert.Equal(world[moved!].MediaPort, patientPort);
        Assert.Equal(world[moved!].MediaPort, practitionerPort);
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }

    /// <summary>The page's peer connection state and its visible banners, to explain a failure.</summary>
    private static async Task<string> MediaStateAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>("""
                () => {
                  const pc = window.__telehealth && window.__telehealth.pc;
                  const banners = [...document.querySelectorAll('[data-banner]')].map(b => b.textContent.trim()).filter(t => t);
                  return `pc ${pc ? pc.connectionState + '/' + pc.signalingState : 'none'}, banners [${banners.join(' | ')}]`;
                }
                """).WaitAsync(BrowserWorld.Step);
        }
        catch (Exception error) when (error is PlaywrightException or TimeoutException)
        {
            return "unreadable: " + error.Message;
        }
    }

    /// <summary>Waits (up to 40 s) until the page decodes video over a pair to another media port than the stopped node's.</summary>
    private static async Task<int> UntilMovedAsync(IPage page, int oldPort)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (DateTime.UtcNow < deadline)
        {
            var value = await page.EvaluateAsync<System.Text.Json.JsonElement>(SelectedRemotePort).WaitAsync(BrowserWorld.Step);
            if (value.ValueKind == System.Text.Json.JsonValueKind.Number && value.GetInt32() != oldPort)
            {
                return value.GetInt32();
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The page did not decode video from another node within 40 s.");
    }
}
