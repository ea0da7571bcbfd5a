using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

public sealed class ConsultationLifecycleTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Consultation_JoinAdmitEnd_StoresTimelineAndExactlyOneOutboxEnd()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        var admittedSeen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        patient.On<Guid, string>("Admitted", (_, who) => admittedSeen.TrySetResult(who));
        var waiting = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        practitioner.On<Guid, List<ParticipantView>>("WaitingRoomChanged", (_, list) =>
        {
            if (list.Count == 1 && list[0].Id.Value == "pa-1")
            {
                waiting.TrySetResult(list.Count);
            }
        });
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        patient.On<Guid, string>("ConsultationEnded", (_, reason) => ended.TrySetResult(reason));

        var practitionerView = await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        var patientView = await patient.InvokeAsync<RoomView>("Join", id.Value);
        Assert.Equal(ParticipantState.Admitted, practitionerView.MyState);
        Assert.Equal(ParticipantState.Waiting, patientView.MyState);
        Assert.Equal(ConsultationState.Open, patientView.ConsultationState);
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var afterAdmit = await practitioner.InvokeAsync<RoomView>("Admit", id.Value, "pa-1");
        Assert.Equal(ConsultationState.InProgress, afterAdmit.ConsultationState);
        Assert.Equal("pa-1", await admittedSeen.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var room = await patient.InvokeAsync<RoomView>("Join", id.Value);
        Assert.Equal(ParticipantState.Admitted, room.MyState);
        Assert.Equal(2, room.Participants.Count(p => p.State == ParticipantState.Admitted));

        await practitioner.InvokeAsync("End", id.Value, true, (string?)null);
        Assert.Equal("ended_by_practitioner", await ended.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        var timeline = await app.TimelineAsync(id);
        Assert.Equal(["opened", "joined:pr-1", "joined:pa-1", "admitted:pa-1", "consultation_started", "rejoined:pa-1", "ended"], timeline);
        var outbox = await app.OutboxAsync(id);
        Assert.Equal(["PatientAdmitted", "ConsultationEnded"], outbox.Select(o => o.Kind));
        Assert.Contains("\"markedBillable\": true", outbox[1].Payload, StringComparison.Ordinal);
        Assert.Equal("ended", await app.ConsultationStateAsync(id));
    }

    [Fact]
    public async Task End_NotBillableWithoutReason_IsRefusedAndNothingChanges()
    {
        var id = await app.CreateAppointmentAsync("pr-2", "pa-2");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-2", "practitioner"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);

        var error = await Assert.ThrowsAsync<HubException>(() => practitioner.InvokeAsync("End", id.Value, false, (string?)null));

        Assert.Contains("urn:telehealth:problem:unbillable-reason-required", error.Message, StringComparison.Ordinal);
        Assert.Equal("open", await app.ConsultationStateAsync(id));
        Assert.Empty(await app.OutboxAsync(id));
    }

    [Fact]
    public async Task End_NotBillableWithReason_CarriesTheReasonInTheOutbox()
    {
        var id = await app.CreateAppointmentAsync("pr-3", "pa-3");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-3", "practitioner"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);

        await practitioner.InvokeAsync("End", id.Value, false, "technical problem");

        var outbox = await app.OutboxAsync(id);
        var ended = Assert.Single(outbox);
        Assert.Contains("\"unbillableReason\": \"technical problem\"", ended.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_ThirdParticipant_JoinsWithTheLinkTokenAndIsAdmitted()
    {
        var id = await app.CreateAppointmentAsync("pr-4", "pa-4");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-4", "practitioner"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);

        var link = await practitioner.InvokeAsync<InvitationLinkDto>("Invite", id.Value);
        Assert.Contains($"/visit/{id}#token=", link.Url, StringComparison.Ordinal);
        var guest = await app.ConnectAsync(link.Token);
        var joined = await guest.InvokeAsync<RoomView>("Join", id.Value);
        Assert.Equal(ParticipantKind.Guest, joined.MyKind);
        Assert.Equal(ParticipantState.Waiting, joined.MyState);
        await practitioner.InvokeAsync<RoomView>("Admit", id.Value, link.ParticipantId);

        Assert.Equal("admitted", await app.ParticipantStateAsync(id, link.ParticipantId));
        var other = await app.CreateAppointmentAsync("pr-4", "pa-5");
        var refused = await Assert.ThrowsAsync<HubException>(() => guest.InvokeAsync<RoomView>("Join", other.Value));
        Assert.Contains("urn:telehealth:problem:not-invited", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admit_ByThePatient_IsRefused()
    {
        var id = await app.CreateAppointmentAsync("pr-6", "pa-6");
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-6", "patient"));
        await patient.InvokeAsync<RoomView>("Join", id.Value);

        var error = await Assert.ThrowsAsync<HubException>(() => patient.InvokeAsync<RoomView>("Admit", id.Value, "pa-6"));

        Assert.Contains("urn:telehealth:problem:not-the-practitioner", error.Message, StringComparison.Ordinal);
        Assert.Equal("waiting", await app.ParticipantStateAsync(id, "pa-6"));
    }

    [Fact]
    public async Task Watch_ByThePractitioner_SeesTheWaitingRoomWithoutJoining()
    {
        var id = await app.CreateAppointmentAsync("pr-7", "pa-7");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-7", "practitioner"));
        var waiting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        practitioner.On<Guid, List<ParticipantView>>("WaitingRoomChanged", (_, list) =>
        {
            if (list.Count == 1)
            {
                waiting.TrySetResult(list[0].Id.Value);
            }
        });

        var watched = await practitioner.InvokeAsync<RoomView>("Watch", id.Value);
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-7", "patient"));
        await patient.InvokeAsync<RoomView>("Join", id.Value);

        Assert.Equal(ConsultationState.Scheduled, watched.ConsultationState);
        Assert.Equal("pa-7", await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["opened", "joined:pa-7"], await app.TimelineAsync(id));
        var refused = await Assert.ThrowsAsync<HubException>(() => patient.InvokeAsync<RoomView>("Watch", id.Value));
        Assert.Contains("urn:telehealth:problem:not-the-practitioner", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ReachesAdmittedParticipantsButNotTheWaitingRoom()
    {
        var id = await app.CreateAppointmentAsync("pr-8", "pa-8");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-8", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-8", "patient"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await patient.InvokeAsync<RoomView>("Join", id.Value);
        await practitioner.InvokeAsync<RoomView>("Admit", id.Value, "pa-8");
        var link = await practitioner.InvokeAsync<InvitationLinkDto>("Invite", id.Value);
        var guest = await app.ConnectAsync(link.Token);
        await guest.InvokeAsync<RoomView>("Join", id.Value);
        var patientGot = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var guestGot = new List<string>();
        patient.On<Guid, string, string, DateTimeOffset>("ChatMessage", (_, from, text, _) => patientGot.TrySetResult($"{from}: {text}"));
        guest.On<Guid, string, string, DateTimeOffset>("ChatMessage", (_, _, text, _) => guestGot.Add(text));

        await practitioner.InvokeAsync("SendChat", id.Value, "Bonjour, je vous entends bien.");

        Assert.Equal("pr-8: Bonjour, je vous entends bien.", await patientGot.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.Delay(500);
        Assert.Empty(guestGot);
        var refused = await Assert.ThrowsAsync<HubException>(() => guest.InvokeAsync("SendChat", id.Value, "hello?"));
        Assert.Contains("urn:telehealth:problem:not-in-room", refused.Message, StringComparison.Ordinal);
    }

    public sealed record InvitationLinkDto(string ParticipantId, string Url, string Token, DateTimeOffset ExpiresAt);
}
