using System.Text.Json;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>SetAudioOnly (issue 12): an admitted participant stops the video sent to them, and the room's admitted
/// participants hear of it (VideoPaused with audio_only_chosen, then VideoResumed); nobody else does.</summary>
public sealed class AudioOnlyHubTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static List<string> Record(HubConnection connection)
    {
        var seen = new List<string>();
        connection.On<Guid, string, string>("VideoPaused", (id, participant, reason) =>
        {
            lock (seen)
            {
                seen.Add($"paused {id:D} {participant} {reason}");
            }
        });
        connection.On<Guid, string>("VideoResumed", (id, participant) =>
        {
            lock (seen)
            {
                seen.Add($"resumed {id:D} {participant}");
            }
        });
        return seen;
    }

    private static Task<List<string>> SeenAsync(List<string> seen, int count, string who) =>
        Eventually.ValueAsync(() =>
        {
            lock (seen)
            {
                return Task.FromResult(seen.ToList());
            }
        }, s => s.Count >= count, $"{count} notices to {who}");

    [Fact]
    public async Task SetAudioOnly_FromAnAdmittedPatient_TellsTheAdmittedParticipantsOnly_PausedThenResumed()
    {
        var id = await app.CreateAppointmentAsync("pr-ao", "pa-ao");
        var other = await app.CreateAppointmentAsync("pr-ao2", "pa-ao2");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-ao", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-ao", "patient"));
        var otherPractitioner = await app.ConnectAsync(app.Tokens.Issue("pr-ao2", "practitioner"));
        var toPractitioner = Record(practitioner);
        var toPatient = Record(patient);
        var toOtherRoom = Record(otherPractitioner);
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await otherPractitioner.InvokeAsync<RoomView>("Join", other.Value);
        var link = await practitioner.InvokeAsync<InvitationLinkDto>("Invite", id.Value);
        var guest = await app.ConnectAsync(link.Token);
        var toGuest = Record(guest);
        await guest.InvokeAsync<RoomView>("Join", id.Value);
        await patient.InvokeAsync<RoomView>("Join", id.Value);
        await practitioner.InvokeAsync<RoomView>("Admit", id.Value, "pa-ao");

        await patient.InvokeAsync("SetAudioOnly", id.Value, true);
        await patient.InvokeAsync("SetAudioOnly", id.Value, false);

        string[] expected = [$"paused {id.Value:D} pa-ao audio_only_chosen", $"resumed {id.Value:D} pa-ao"];
        Assert.Equal(expected, await SeenAsync(toPractitioner, 2, "the practitioner"));
        Assert.Equal(expected, await SeenAsync(toPatient, 2, "the patient"));
        lock (toGuest)
        {
            Assert.Empty(toGuest); // waiting: not in the call
        }
        lock (toOtherRoom)
        {
            Assert.Empty(toOtherRoom);
        }
    }

    [Fact]
    public async Task SetAudioOnly_FromTheWaitingRoom_IsRefusedAsNotAdmitted_AndTellsNobody()
    {
        var id = await app.CreateAppointmentAsync("pr-aw", "pa-aw");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-aw", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-aw", "patient"));
        var toPractitioner = Record(practitioner);
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        var view = await patient.InvokeAsync<RoomView>("Join", id.Value);
        Assert.Equal(ParticipantState.Waiting, view.MyState);

        var refused = await Assert.ThrowsAsync<HubException>(() => patient.InvokeAsync("SetAudioOnly", id.Value, true));

        Assert.Contains("urn:telehealth:problem:not-admitted:", refused.Message, StringComparison.Ordinal);
        await practitioner.InvokeAsync("SetAudioOnly", id.Value, true);
        var seen = await SeenAsync(toPractitioner, 1, "the practitioner");
        Assert.Equal([$"paused {id.Value:D} pr-aw audio_only_chosen"], seen);
    }

    [Fact]
    public async Task MediaQualityNotice_ReachesTheRecipientsTheMediaPlaneNames_WithItsWirePayload()
    {
        var id = await app.CreateAppointmentAsync("pr-aq", "pa-aq");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-aq", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-aq", "patient"));
        var outsider = await app.ConnectAsync(app.Tokens.Issue("pa-other", "patient"));
        var received = new TaskCompletionSource<(Guid, string, string, JsonElement)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var toOutsider = new List<string>();
        var outsiderOwn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        practitioner.On<Guid, string, string, JsonElement>("ConnectionQualityChanged", (a, p, q, d) => received.TrySetResult((a, p, q, d)));
        outsider.On<Guid, string, string, JsonElement>("ConnectionQualityChanged", (_, p, _, _) =>
        {
            lock (toOutsider)
            {
                toOutsider.Add(p);
            }
            outsiderOwn.TrySetResult();
        });
        var sink = app.Services.GetService(typeof(IMediaSignalSink)) as IMediaSignalSink;
        Assert.NotNull(sink);

        await sink.ConnectionQualityChangedAsync(new MediaParticipant(id.ToString(), "pa-aq"), ConnectionQualityLevel.Poor,
            new ConnectionQualityDetails(12.5, 180, null, 140), ["pr-aq", "pa-aq"], CancellationToken.None);

        var (appointmentId, participantId, quality, details) = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((id.Value, "pa-aq", "poor"), (appointmentId, participantId, quality));
        Assert.Equal(12.5, details.GetProperty("lossPercent").GetDouble());
        Assert.Equal(180, details.GetProperty("roundTripMs").GetInt32());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("jitterMs").ValueKind);
        Assert.Equal(140, details.GetProperty("estimateKbps").GetInt64());
        // A notice meant for the outsider, sent after: once it arrives, the first one would have too.
        await sink.ConnectionQualityChangedAsync(new MediaParticipant(Guid.NewGuid().ToString(), "pa-other"), ConnectionQualityLevel.Good,
            new ConnectionQualityDetails(0, null, null, null), ["pa-other"], CancellationToken.None);
        await outsiderOwn.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (toOutsider)
        {
            Assert.Equal(["pa-other"], toOutsider);
        }
    }

    private sealed record InvitationLinkDto(string ParticipantId, string Url, string Token, DateTimeOffset ExpiresAt);
}
