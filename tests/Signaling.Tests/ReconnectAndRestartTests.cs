using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

public sealed class ReconnectAndRestartTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(AppointmentId Id, HubConnection Patient, HubConnection Practitioner)> InProgressAsync(string suffix)
    {
        var id = await app.CreateAppointmentAsync("pr-" + suffix, "pa-" + suffix);
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-" + suffix, "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-" + suffix, "patient"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await patient.InvokeAsync<RoomView>("Join", id.Value);
        await practitioner.InvokeAsync<RoomView>("Admit", id.Value, "pa-" + suffix);
        return (id, patient, practitioner);
    }

    [Fact]
    public async Task Drop_ReconnectWithinGrace_ConsultationGoesOn()
    {
        var (id, patient, _) = await InProgressAsync("1");

        await patient.StopAsync();
        await Eventually.ValueAsync(() => app.ParticipantStateAsync(id, "pa-1"), s => s == "disconnected", "the drop");
        app.Time.Advance(TelehealthApp.Grace / 2);
        var again = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        var view = await again.InvokeAsync<RoomView>("Join", id.Value);
        app.Time.Advance(TelehealthApp.Grace);
        await app.SweepAsync();

        Assert.Equal(ParticipantState.Admitted, view.MyState);
        Assert.Equal("admitted", await app.ParticipantStateAsync(id, "pa-1"));
        Assert.Equal("in_progress", await app.ConsultationStateAsync(id));
        Assert.Contains("reconnected:pa-1", await app.TimelineAsync(id));
    }

    [Fact]
    public async Task Drop_PastGrace_MarksTheParticipantLeftButTheConsultationGoesOn()
    {
        var (id, patient, _) = await InProgressAsync("2");

        await patient.StopAsync();
        await Eventually.ValueAsync(() => app.ParticipantStateAsync(id, "pa-2"), s => s == "disconnected", "the drop");
        app.Time.Advance(TelehealthApp.Grace + TimeSpan.FromSeconds(1));
        await app.SweepAsync();

        Assert.Equal("left", await app.ParticipantStateAsync(id, "pa-2"));
        Assert.Equal("in_progress", await app.ConsultationStateAsync(id));
        Assert.Contains("left:pa-2", await app.TimelineAsync(id));
    }

    [Fact]
    public async Task EveryoneGone_PastGrace_EndsTheConsultationOnce()
    {
        var (id, patient, practitioner) = await InProgressAsync("3");

        await patient.StopAsync();
        await practitioner.StopAsync();
        // Both drops are handled asynchronously; the grace runs from each one, so wait for both before moving time on.
        await Eventually.ValueAsync(() => app.ParticipantStateAsync(id, "pa-3"), s => s == "disconnected", "the patient's drop");
        await Eventually.ValueAsync(() => app.ParticipantStateAsync(id, "pr-3"), s => s == "disconnected", "the drop");
        app.Time.Advance(TelehealthApp.Grace + TimeSpan.FromSeconds(1));
        await app.SweepAsync();
        await app.SweepAsync();

        Assert.Equal("ended", await app.ConsultationStateAsync(id));
        var ends = (await app.OutboxAsync(id)).Where(o => o.Kind == "ConsultationEnded").ToList();
        var ended = Assert.Single(ends);
        Assert.Contains("\"reason\": \"everyone_left\"", ended.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appointment_CancelledMidConsultation_EndsItUnbillable()
    {
        var (id, _, _) = await InProgressAsync("6");
        using var scheduler = app.Http(app.Tokens.Issue("s-1", "scheduler"));

        var response = await scheduler.DeleteAsync($"/api/appointments/{id}");

        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("ended", await app.ConsultationStateAsync(id));
        var ended = (await app.OutboxAsync(id)).Single(o => o.Kind == "ConsultationEnded").Payload;
        Assert.Contains("\"reason\": \"appointment_cancelled\"", ended, StringComparison.Ordinal);
        Assert.Contains("\"markedBillable\": false", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consultation_PastMaximumDuration_EndsByItself()
    {
        var (id, _, _) = await InProgressAsync("4");

        app.Time.Advance(TimeSpan.FromMinutes(91));
        await app.SweepAsync();

        Assert.Equal("ended", await app.ConsultationStateAsync(id));
        Assert.Contains("\"reason\": \"maximum_duration_reached\"", (await app.OutboxAsync(id)).Single(o => o.Kind == "ConsultationEnded").Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_RestartedMidConsultation_KeepsStateAndTimelineAndLetsParticipantsRejoin()
    {
        var (id, _, _) = await InProgressAsync("5");
        var before = await app.TimelineAsync(id);

        await app.RestartAsync();

        Assert.Equal("in_progress", await app.ConsultationStateAsync(id));
        var after = await app.TimelineAsync(id);
        Assert.Equal(before, after.Take(before.Count));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-5", "patient"));
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-5", "practitioner"));
        Assert.Equal(ParticipantState.Admitted, (await patient.InvokeAsync<RoomView>("Join", id.Value)).MyState);
        Assert.Equal(ParticipantState.Admitted, (await practitioner.InvokeAsync<RoomView>("Join", id.Value)).MyState);
        await practitioner.InvokeAsync("End", id.Value, true, (string?)null);
        Assert.Equal("ended", await app.ConsultationStateAsync(id));
        Assert.Single(await app.OutboxAsync(id), o => o.Kind == "ConsultationEnded");
    }

    [Fact]
    public async Task Drop_PastGrace_TheIdleSupervisorWakesAndMarksTheParticipantLeftByItself()
    {
        var (id, patient, _) = await InProgressAsync("9");

        await patient.StopAsync();
        await Eventually.ValueAsync(() => app.ParticipantStateAsync(id, "pa-9"), s => s == "disconnected", "the drop");
        // No manual sweep: the supervisor's own loop must notice the grace running out as the clock moves.
        var left = await Eventually.ValueAsync(async () =>
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            return await app.ParticipantStateAsync(id, "pa-9");
        }, s => s == "left", "the grace to expire", timeoutMs: 30_000);

        Assert.Equal("left", left);
        Assert.Equal("in_progress", await app.ConsultationStateAsync(id));
    }
}
