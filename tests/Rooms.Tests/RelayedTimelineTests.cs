using System.Collections.Concurrent;
using Dapper;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Rooms.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Peer = Doctolib.Telehealth.Media.Testing.WebRtcTestPeer;

namespace Doctolib.Telehealth.Rooms.Tests;

/// <summary>The timeline billing trusts, end to end on a real PostgreSQL: the real media plane relays two .NET test
/// peers, the real timeline observer writes what it relayed, and <see cref="LiveMedia"/> measures it. The billed
/// seconds are the relayed seconds; a crash loses at most the seconds since the last relay mark.</summary>
public sealed class RelayedTimelineTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly ConcurrentDictionary<MediaParticipant, Peer> peers = new();
    private readonly CancellationTokenSource stop = new();
    private ServiceProvider services = null!;
    private MediaPlane? plane;
    private Task run = Task.CompletedTask;
    private string connectionString = "";

    public async Task InitializeAsync() =>
        (services, connectionString) = await RoomsDatabase.StartAsync(notifier: _ => new NoRoomClients(), media: _ => plane!);


    private void StartPlane(TimeSpan relayIdleTimeout)
    {
        var options = new MediaOptions
        {
            UdpPort = 0, ConsentCheckInterval = TimeSpan.FromMilliseconds(200),
            RelayIdleTimeout = relayIdleTimeout, RelayMarkInterval = TimeSpan.FromMilliseconds(500),
        };
        plane = new MediaPlane(options, new PeerSignals(this), services.GetRequiredService<IMediaObserver>(), TimeProvider.System, null);
        run = plane.RunAsync(stop.Token);
    }

    public async Task DisposeAsync()
    {
        foreach (var peer in peers.Values)
        {
            await peer.DisposeAsync();
        }
        await stop.CancelAsync();
        await run.WaitAsync(Timeout);
        plane?.Dispose();
        await services.DisposeAsync();
    }

    /// <summary>Hands the plane's re-offers to the matching test peer and returns its answer, as a client would.</summary>
    private sealed class PeerSignals(RelayedTimelineTests test) : IMediaSignalSink
    {
        public async Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken)
        {
            if (test.peers.TryGetValue(participant, out var peer))
            {
                await test.plane!.AcceptAnswerAsync(participant, peer.AnswerOffer(offerSdp), cancellationToken);
            }
        }
    }

    private async Task<Guid> ConsultationInProgressAsync()
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(
            """
            INSERT INTO rooms.appointments (id, practitioner_id, patient_id, starts_at, duration_minutes, price_minor, currency, payer, created_at, updated_at)
            VALUES (@id, 'pr', 'pa', now(), 20, 2500, 'EUR', '{"type":"third_party","insurerReference":"ins"}', now(), now());
            INSERT INTO rooms.consultations (appointment_id, state, opened_at, admitted_at) VALUES (@id, 'in_progress', now(), now());
            """, new { id });
        return id;
    }

    private async Task<(Peer Patient, Peer Practitioner)> CallAsync(Guid appointment)
    {
        var room = appointment.ToString();
        var patient = await JoinAsync(room, "pa");
        var practitioner = await JoinAsync(room, "pr");
        using var timeout = new CancellationTokenSource(Timeout);
        await plane!.SetAdmittedAsync(room, ["pa", "pr"], timeout.Token);
        Assert.True(await EventuallyAsync(() => Subscribed(room, patient, "pa", "pr") && Subscribed(room, practitioner, "pr", "pa")), "the call never started forwarding");
        return (patient, practitioner);
    }

    private async Task<Peer> JoinAsync(string room, string participantId)
    {
        var participant = new MediaParticipant(room, participantId);
        var peer = Peer.Create(participantId);
        peers[participant] = peer;
        using var timeout = new CancellationTokenSource(Timeout);
        var answer = await plane!.AcceptOfferAsync(participant, peer.CreateOffer(), timeout.Token);
        await peer.ConnectAsync(answer, timeout.Token);
        return peer;
    }

    private bool Subscribed(string room, Peer publisher, string publisherId, string receiverId)
    {
        var from = plane!.FindSession(new MediaParticipant(room, publisherId));
        var receiver = plane.FindSession(new MediaParticipant(room, receiverId));
        return from is not null && receiver is { Srtp: not null, Path: not null }
            && from.FindTrack(publisher.AudioSsrc)?.HasSubscriber(receiver) == true
            && from.FindTrack(publisher.VideoSsrc)?.HasSubscriber(receiver) == true;
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline && !condition())
        {
            await Task.Delay(20);
        }
        return condition();
    }

    private async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(Guid appointment) =>
        await services.GetRequiredService<IConsultationTimeline>().ReadAsync(new AppointmentId(appointment), CancellationToken.None);

    private async Task<TimeSpan> BilledAsync(Guid appointment, DateTimeOffset until) =>
        LiveMedia.Together(await TimelineAsync(appointment), new PersonId("pa"), new PersonId("pr"), until);

    /// <summary>Publishes from the peers for <paramref name="duration"/>; returns when the sending started and ended.</summary>
    private static async Task<(DateTimeOffset From, DateTimeOffset To)> PublishAsync(TimeSpan duration, params Peer[] publishers)
    {
        var from = DateTimeOffset.UtcNow;
        await Task.WhenAll(publishers.Select(p => p.PublishAsync(duration, CancellationToken.None))).WaitAsync(duration + Timeout);
        return (from, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task ConsultationWithAGap_BillsTheRelayedSecondsWithinOneSecond()
    {
        StartPlane(relayIdleTimeout: TimeSpan.FromSeconds(1));
        var appointment = await ConsultationInProgressAsync();
        var (patient, practitioner) = await CallAsync(appointment);

        var first = await PublishAsync(TimeSpan.FromSeconds(3), patient, practitioner);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var second = await PublishAsync(TimeSpan.FromSeconds(3), patient, practitioner);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var relayed = (first.To - first.From) + (second.To - second.From);

        var billed = await BilledAsync(appointment, DateTimeOffset.UtcNow);

        Assert.InRange(billed, relayed - TimeSpan.FromSeconds(1), relayed + TimeSpan.FromSeconds(1));
        var kinds = (await TimelineAsync(appointment)).Where(e => e.Participant == new PersonId("pa")).Select(e => e.Kind).ToList();
        Assert.Equal([LiveMedia.Up, LiveMedia.Down, LiveMedia.Up, LiveMedia.Down], kinds);
    }

    [Fact]
    public async Task RestartAfterACrash_EndsTheOpenIntervalsAtTheLastRelayMark_NotAtTheRestart()
    {
        // A plane that never notices the gap stands for one killed with -9: only its marks remain.
        StartPlane(relayIdleTimeout: TimeSpan.FromMinutes(10));
        var appointment = await ConsultationInProgressAsync();
        var (patient, practitioner) = await CallAsync(appointment);
        var sent = await PublishAsync(TimeSpan.FromSeconds(3), patient, practitioner);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            Assert.Equal(2, await connection.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM rooms.media_marks WHERE appointment_id = @appointment", new { appointment }));
        }

        Assert.DoesNotContain(await TimelineAsync(appointment), e => e.Kind == LiveMedia.Down);
        var supervisor = services.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single();
        await supervisor.StartAsync(CancellationToken.None);
        await supervisor.StopAsync(CancellationToken.None);
        var restartedAt = DateTimeOffset.UtcNow;

        var downs = (await TimelineAsync(appointment)).Where(e => e.Kind == LiveMedia.Down).ToList();
        Assert.Equal(2, downs.Count);
        Assert.All(downs, d => Assert.Equal("server_restart", d.Detail));
        Assert.All(downs, d => Assert.InRange(d.At, sent.To - TimeSpan.FromSeconds(1), sent.To + TimeSpan.FromSeconds(0.5)));
        var billed = await BilledAsync(appointment, restartedAt.AddMinutes(5));
        Assert.InRange(billed, sent.To - sent.From - TimeSpan.FromSeconds(1), sent.To - sent.From + TimeSpan.FromSeconds(0.5));
    }

    [Fact]
    public async Task GraceExpiry_StopsRelayingTheParticipantAtOnce_AndEndsTheirLiveMedia()
    {
        StartPlane(relayIdleTimeout: TimeSpan.FromMinutes(10));
        var appointment = await ConsultationInProgressAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO rooms.participants (appointment_id, participant_id, kind, state, admitted, joined_at, disconnected_at) VALUES
                    (@appointment, 'pa', 'patient', 'disconnected', true, now() - interval '5 minutes', now() - interval '2 minutes'),
                    (@appointment, 'pr', 'practitioner', 'admitted', true, now() - interval '5 minutes', NULL)
                """, new { appointment });
        }
        var (patient, practitioner) = await CallAsync(appointment);
        await PublishAsync(TimeSpan.FromSeconds(1), patient);
        Assert.True(await EventuallyAsync(() => practitioner.Stream(patient.AudioSsrc)?.Packets == patient.AudioPacketsSent));

        await services.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single().SweepAsync(CancellationToken.None);

        Assert.Null(plane!.FindSession(new MediaParticipant(appointment.ToString(), "pa")));
        var received = practitioner.Stream(patient.AudioSsrc)!.Packets;
        await PublishAsync(TimeSpan.FromMilliseconds(500), patient);
        await Task.Delay(300);
        Assert.Equal(received, practitioner.Stream(patient.AudioSsrc)!.Packets);
        Assert.True(await EventuallyAsync(() => TimelineAsync(appointment).Result.Any(e => e.Kind == LiveMedia.Down && e.Participant == new PersonId("pa"))));
    }
}
