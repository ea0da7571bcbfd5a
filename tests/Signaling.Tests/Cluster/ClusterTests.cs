using Dapper;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Doctolib.Telehealth.Signaling.Tests.Cluster;

/// <summary>Several nodes: the patient's hub on one node, the practitioner's on another, the room's media on one node,
/// drains that move a room, a lost node whose room is placed again, and restarts that leave other nodes alone.</summary>
public sealed class ClusterTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static async Task<(AppointmentId Id, MediaClient Patient, MediaClient Practitioner)> ConsultationAsync(
        ClusterNodes cluster, string patientNode, string practitionerNode, string suffix, string? placeOn = null)
    {
        var id = await cluster[patientNode].CreateAppointmentAsync("pr-" + suffix, "pa-" + suffix);
        if (placeOn is not null)
        {
            await cluster.PlaceAsync(id, placeOn);
        }
        var practitionerHub = await cluster[practitionerNode].ConnectAsync(cluster[practitionerNode].Tokens.Issue("pr-" + suffix, "practitioner"));
        var patientHub = await cluster[patientNode].ConnectAsync(cluster[patientNode].Tokens.Issue("pa-" + suffix, "patient"));
        var practitioner = new MediaClient(practitionerHub, id, "practitioner");
        var patient = new MediaClient(patientHub, id, "patient");
        practitioner.Listen();
        patient.Listen();
        await practitionerHub.InvokeAsync<RoomView>("Join", id.Value);
        await patientHub.InvokeAsync<RoomView>("Join", id.Value);
        await practitionerHub.InvokeAsync<RoomView>("Admit", id.Value, "pa-" + suffix);
        return (id, patient, practitioner);
    }

    /// <summary>Mid-call drain of the room's node c: both start media and exchange it through c, then c gets SIGTERM and
    /// both hear <c>MediaMoved</c>. Returns c's stop (it may still be draining) and how long the MediaMoved took.</summary>
    private static async Task<(Task Stopping, TimeSpan MovedAfter)> DrainMidCallAsync(
        ClusterNodes cluster, MediaClient patient, MediaClient practitioner, Func<Task>? beforeTheDrain = null)
    {
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.Equal(cluster.UdpPortOf("c"), patient.AnsweredPort());
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow before the drain");
        if (beforeTheDrain is not null)
        {
            await beforeTheDrain();
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stopping = cluster.StopAsync("c");
        await Eventually.ValueAsync(() => Task.FromResult(patient.Moves.Count + practitioner.Moves.Count), n => n >= 2, "MediaMoved to both");
        return (stopping, clock.Elapsed);
    }

    [Fact]
    public async Task PatientOnA_PractitionerOnB_BothTalkToTheRoomNode_MediaFlows_AndTheConsultationIsBilledOnce()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b");
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "b", "1");
        await using var _p = patient;
        await using var _d = practitioner;

        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        var roomNode = await cluster.PlacementAsync(id);

        Assert.Contains(roomNode, new[] { "a", "b" });
        Assert.Equal(cluster.UdpPortOf(roomNode!), patient.AnsweredPort());
        Assert.Equal(cluster.UdpPortOf(roomNode!), practitioner.AnsweredPort());
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow both ways through the room's node");
        await Eventually.ValueAsync(async () => (await cluster.TimelineAsync(id)).Count(e => e.Kind == "media_up"), n => n == 2, "media_up of both");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await practitioner.Hub.InvokeAsync("End", id.Value, true, (string?)null);

        Assert.Equal("ended", await cluster["a"].ConsultationStateAsync(id));
        Assert.Single(await cluster["a"].OutboxAsync(id), o => o.Kind == "ConsultationEnded");
        var charges = await Eventually.ValueAsync(() => ChargesAsync(cluster, id), c => c.Count == 1 && c[0].Status == "captured", "the capture", timeoutMs: 30_000);
        Assert.Equal(2500, charges[0].Captured);
        var intent = Assert.Single(cluster.Stripe.IntentsFor(id.Value));
        Assert.Equal(1, intent.CaptureCount);
    }

    [Fact]
    public async Task RelayedOffer_TheRoomNodeRefuses_IsTheSameTypedHubError()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b");
        var (id, patient, _) = await ConsultationAsync(cluster, "a", "b", "2", placeOn: "b");

        var error = await Assert.ThrowsAsync<HubException>(() => patient.Hub.InvokeAsync<string>("SendOffer", id.Value, "v=0\r\nnot an offer\r\n"));

        Assert.Contains("urn:telehealth:problem:invalid-sdp: ", error.Message, StringComparison.Ordinal);
        Assert.Equal("b", await cluster.PlacementAsync(id));
    }

    [Fact]
    public async Task NodeB_Restarted_LeavesTheConsultationOnNodeA_Alone()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b");
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "a", "3", placeOn: "a");
        await using var _p = patient;
        await using var _d = practitioner;
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow before the restart");

        await cluster.StopAsync("b");
        cluster.Start("b");
        await cluster["b"].SweepAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // past Node:DeadAfter of b's previous run: the take-over sweeps ran

        Assert.Equal("admitted", await cluster["a"].ParticipantStateAsync(id, "pa-3"));
        Assert.Equal("admitted", await cluster["a"].ParticipantStateAsync(id, "pr-3"));
        Assert.Equal("in_progress", await cluster["a"].ConsultationStateAsync(id));
        // Idle test peers let media lapse (media_stopped); nothing else may touch this consultation.
        Assert.DoesNotContain(await cluster.TimelineAsync(id), e => (e.Kind == "media_down" && e.Detail != "media_stopped") || e.Kind == "disconnected");
        Assert.Empty(patient.Moves);
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(5)), "media stopped during another node's restart");
    }

    [Fact]
    public async Task RoomNode_Drained_MovesTheRoom_ClientsGetMediaMoved_AndTheirNewOffersGoToTheNewNode()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b", "c");
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "b", "4", placeOn: "c");
        await using var _p = patient;
        await using var _d = practitioner;

        var (stopping, movedAfter) = await DrainMidCallAsync(cluster, patient, practitioner);
        var afterTheMove = System.Diagnostics.Stopwatch.StartNew();
        await stopping;
        var roomNode = await cluster.PlacementAsync(id);
        Assert.Contains(roomNode, new[] { "a", "b" });
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.Equal(cluster.UdpPortOf(roomNode!), patient.AnsweredPort());
        Assert.Equal(cluster.UdpPortOf(roomNode!), practitioner.AnsweredPort());
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow after the move");
        output.WriteLine($"drain: MediaMoved after {movedAfter.TotalSeconds:0.00} s, media both ways again {(movedAfter + afterTheMove.Elapsed).TotalSeconds:0.00} s after the SIGTERM");
        var timeline = await Eventually.ValueAsync(() => cluster.TimelineAsync(id), t => t.Count(e => e.Kind == "media_up") == 4, "media_up again on the new node");
        Assert.Equal(2, timeline.Count(e => e.Kind == "media_down" && e.Detail == "moved"));
        Assert.Equal("in_progress", await cluster["a"].ConsultationStateAsync(id));
    }

    [Fact]
    public async Task RoomNode_Lost_TheRoomIsPlacedAgainOnceItsHeartbeatExpires_AndClientsGetMediaMoved()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b");
        cluster.Start("c", drainTimeout: TimeSpan.Zero);
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "b", "5", placeOn: "c");
        await using var _p = patient;
        await using var _d = practitioner;
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow before the loss");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cluster.StopAsync("c");

        await Eventually.ValueAsync(() => Task.FromResult(patient.Moves.Count + practitioner.Moves.Count), n => n >= 2, "MediaMoved to both", timeoutMs: 15_000);
        var movedAfter = clock.Elapsed;
        var roomNode = await cluster.PlacementAsync(id);
        Assert.Contains(roomNode, new[] { "a", "b" });
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.Equal(cluster.UdpPortOf(roomNode!), patient.AnsweredPort());
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow after the take-over");
        output.WriteLine($"lost node (Node:DeadAfter 2 s): MediaMoved after {movedAfter.TotalSeconds:0.00} s, media both ways again after {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal("in_progress", await cluster["a"].ConsultationStateAsync(id));
        Assert.Equal("admitted", await cluster["a"].ParticipantStateAsync(id, "pa-5"));
    }

    [Fact]
    public async Task RoomNode_Drained_ItsOldSessionsRelayUntilTheClientsLeaveThem_AndTheTimelineCountsTheOverlapOnce()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b", "c");
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "b", "6", placeOn: "c");
        await using var _p = patient;
        await using var _d = practitioner;
        var (stopping, _) = await DrainMidCallAsync(cluster, patient, practitioner);

        var oldPatient = patient.Peer!;
        var oldPractitioner = practitioner.Peer!;
        var before = oldPatient.Stream(oldPractitioner.VideoSsrc)?.Packets ?? 0;
        await Task.WhenAll(oldPatient.PublishAsync(TimeSpan.FromMilliseconds(400), CancellationToken.None), oldPractitioner.PublishAsync(TimeSpan.FromMilliseconds(400), CancellationToken.None));
        var relayedAfterTheMove = (oldPatient.Stream(oldPractitioner.VideoSsrc)?.Packets ?? 0) - before;
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow on the new node");
        await stopping;

        Assert.True(relayedAfterTheMove > 0, "the old node stopped relaying at the hand-over (break-before-make)");
        var timeline = await Eventually.ValueAsync(() => cluster.TimelineAsync(id), t => t.Count(e => e.Kind == "media_up") == 4, "media_up again on the new node");
        foreach (var who in new[] { "pa-6", "pr-6" })
        {
            var kinds = timeline.Where(e => e.Participant == who && e.Kind is "media_up" or "media_down").Select(e => e.Kind).ToList();
            // Up and down alternate: the old node wrote nothing after the hand-over, so no interval is opened twice.
            Assert.Equal(Enumerable.Range(0, kinds.Count).Select(i => i % 2 == 0 ? "media_up" : "media_down"), kinds);
            Assert.Single(timeline, e => e.Participant == who && e.Kind == "media_down" && e.Detail == "moved");
        }
    }

    [Fact]
    public async Task RoomNode_Drained_KeepsBridgingUntilTheClientsRenegotiate_ThenExitsWithoutWaitingForTheOverlap()
    {
        var settings = new Dictionary<string, string> { ["Node:MoveOverlap"] = "00:01:00", ["Node:DrainTimeout"] = "00:01:30" };
        await using var cluster = await ClusterNodes.StartAsync(settings, "a", "b", "c");
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "b", "10", placeOn: "c");
        await using var _p = patient;
        await using var _d = practitioner;
        var (stopping, _) = await DrainMidCallAsync(cluster, patient, practitioner);

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(stopping.IsCompleted, "the drained node exited before its clients had media on the new node");
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow on the new node");

        // The old sessions would last until their consent lapses (30 s) and the overlap is 60 s: an exit within 15 s
        // is the node seeing both participants' media up on the new node.
        var exited = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(15))) == stopping;
        Assert.True(exited, "the drained node still waited after both participants had media up on the room's new node");
        await stopping;
        Assert.Contains(await cluster.PlacementAsync(id), new[] { "a", "b" });
    }

    [Fact]
    public async Task AudioOnly_ChosenBeforeTheRoomNodeDrains_HoldsOnTheRoomsNewNode()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b", "c");
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "b", "7", placeOn: "c");
        await using var _p = patient;
        await using var _d = practitioner;
        var (stopping, _) = await DrainMidCallAsync(cluster, patient, practitioner,
            beforeTheDrain: () => practitioner.Hub.InvokeAsync("SetAudioOnly", id.Value, true));

        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        await stopping;
        for (var i = 0; i < 10 && !(practitioner.Peer!.Stream(patient.Peer!.AudioSsrc)?.Packets > 20 && patient.Peer.Stream(practitioner.Peer.VideoSsrc)?.Packets > 20); i++)
        {
            await Task.WhenAll(patient.Peer!.PublishAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None), practitioner.Peer!.PublishAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));
        }

        Assert.Contains(await cluster.PlacementAsync(id), new[] { "a", "b" });
        Assert.True(practitioner.Peer!.Stream(patient.Peer!.AudioSsrc)?.Packets > 20, "the practitioner gets no audio from the new node");
        Assert.True(patient.Peer.Stream(practitioner.Peer.VideoSsrc)?.Packets > 20, "the patient gets no video from the new node");
        Assert.Equal(0, practitioner.Peer.Stream(patient.Peer.VideoSsrc)?.Packets ?? 0);
    }

    [Fact]
    public async Task RoomNode_Lost_AnOfferMadeBeforeItsEntryExpires_IsCarriedOutOnTheRoomsNewNode()
    {
        // The entry would outlive the request timeout: only the silence of the lost node (old heartbeat, nobody on its
        // media channel) lets the offer through.
        var slowExpiry = new Dictionary<string, string> { ["Node:DeadAfter"] = "00:01:00", ["Node:SilentAfter"] = "00:00:01" };
        await using var cluster = await ClusterNodes.StartAsync(slowExpiry, "a", "b");
        cluster.Start("c", drainTimeout: TimeSpan.Zero);
        var (id, patient, practitioner) = await ConsultationAsync(cluster, "a", "b", "8", placeOn: "c");
        await using var _p = patient;
        await using var _d = practitioner;
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow before the loss");

        await cluster.StopAsync("c");
        await patient.StartMediaAsync();
        await practitioner.StartMediaAsync();

        var roomNode = await cluster.PlacementAsync(id);
        Assert.Contains(roomNode, new[] { "a", "b" });
        Assert.Equal(cluster.UdpPortOf(roomNode!), patient.AnsweredPort());
        Assert.True(await MediaClient.ExchangeMediaAsync(patient, practitioner, TimeSpan.FromSeconds(15)), "media did not flow after the take-over");
        Assert.Equal("in_progress", await cluster["a"].ConsultationStateAsync(id));
    }

    [Fact]
    public async Task Metrics_OnEachNode_CarryThatNodesIdAndState()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b");
        using var a = cluster["a"].Http();
        using var b = cluster["b"].Http();

        var fromA = await Eventually.ValueAsync(() => a.GetStringAsync("/metrics"), t => t.Contains("telehealth_node_info", StringComparison.Ordinal), "node info on a");
        var fromB = await Eventually.ValueAsync(() => b.GetStringAsync("/metrics"), t => t.Contains("telehealth_node_info", StringComparison.Ordinal), "node info on b");

        Assert.Matches(@"telehealth_node_info\{[^}]*node=""a""[^}]*state=""serving""[^}]*\} 1", fromA);
        Assert.Matches(@"telehealth_node_info\{[^}]*node=""b""[^}]*\} 1", fromB);
    }

    [Fact]
    public async Task Registry_ListsEachLiveNode_WithItsMediaAddressPortAndState()
    {
        await using var cluster = await ClusterNodes.StartAsync("a", "b");
        var registry = cluster["a"].Services.GetRequiredService<Doctolib.Telehealth.Signaling.Cluster.NodeRegistry>();

        var nodes = await Eventually.ValueAsync(() => registry.LiveAsync(), n => n.Count == 2, "both nodes registered");

        var b = Assert.Single(nodes, n => n.Id == "b");
        Assert.Equal("127.0.0.1", b.MediaAddress);
        Assert.Equal(cluster.UdpPortOf("b"), b.UdpPort);
        Assert.Equal("serving", b.State);
        await cluster.StopAsync("b");
        await Eventually.ValueAsync(() => registry.LiveAsync(), n => n.Count == 1 && n[0].Id == "a", "b gone once its heartbeat expired");
    }

    private static async Task<List<Charge>> ChargesAsync(ClusterNodes cluster, AppointmentId id)
    {
        await using var db = await cluster["a"].DatabaseAsync();
        return (await db.QueryAsync<Charge>(
            "SELECT status AS Status, captured_amount AS Captured, live_media_seconds AS LiveMediaSeconds FROM billing.charges WHERE appointment_id = @id",
            new { id = id.Value })).AsList();
    }

    private sealed record Charge(string Status, long Captured, long? LiveMediaSeconds)
    {
        public override string ToString() => $"{Status} captured={Captured} live={LiveMediaSeconds}";
    }
}
