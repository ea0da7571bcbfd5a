using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>The README promises snake_case for every enum value: this reads them where clients and auditors see
/// them (hub events and results through a real SignalR client, the HTTP API, the rows of rooms.timeline).</summary>
public sealed partial class WireValuesTests : IAsyncLifetime
{
    private TelehealthApp app = null!;
    private readonly ConcurrentQueue<(string Where, string? Value)> seen = new();

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();

    [Fact]
    public async Task EnumValues_OnHubHttpAndTimeline_AreAllSnakeCase()
    {
        var id = await app.CreateAppointmentAsync("pr-wire", "pa-wire");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-wire", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-wire", "patient"));
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var graceExpired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connectionLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        practitioner.On<Guid, JsonElement>("ParticipantJoined", (_, p) => Participant("ParticipantJoined", p));
        practitioner.On<Guid, JsonElement>("WaitingRoomChanged", (_, list) =>
        {
            foreach (var p in list.EnumerateArray())
            {
                Participant("WaitingRoomChanged", p);
            }
        });
        practitioner.On<Guid, string, string>("ParticipantLeft", (_, _, reason) =>
        {
            seen.Enqueue(("ParticipantLeft.reason", reason));
            (reason == "grace_expired" ? graceExpired : reason == "connection_lost" ? connectionLost : null)?.TrySetResult();
        });
        practitioner.On<Guid, string>("ConsultationEnded", (_, reason) =>
        {
            seen.Enqueue(("ConsultationEnded.reason", reason));
            ended.TrySetResult();
        });
        practitioner.On<Guid, string, string?, string?>("PaymentStatusChanged", (_, status, _, _) => seen.Enqueue(("PaymentStatusChanged.status", status)));

        View("Join", await practitioner.InvokeAsync<JsonElement>("Join", id.Value));
        View("Join", await patient.InvokeAsync<JsonElement>("Join", id.Value));
        View("Admit", await practitioner.InvokeAsync<JsonElement>("Admit", id.Value, "pa-wire"));
        await patient.InvokeAsync("Leave", id.Value);
        View("Join", await patient.InvokeAsync<JsonElement>("Join", id.Value));
        await patient.StopAsync();
        await connectionLost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        app.Time.Advance(TelehealthApp.Grace + TimeSpan.FromSeconds(1));
        await app.SweepAsync();
        await graceExpired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await practitioner.InvokeAsync("End", id.Value, true, (string?)null);
        await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using (var scheduler = app.Http(app.Tokens.Issue("scheduler-1", "scheduler")))
        {
            var appointment = await scheduler.GetFromJsonAsync<JsonElement>($"/api/appointments/{id.Value}");
            seen.Enqueue(("GET /api/appointments/{id} consultationState", appointment.GetProperty("consultationState").GetString()));
        }
        using (var staff = app.Http(app.Tokens.Issue("billing-1", "billing")))
        {
            // Live media never flowed, so billing releases the hold: wait for the worker to get there.
            var charge = await Eventually.ValueAsync(
                async () => (await staff.GetFromJsonAsync<JsonElement>("/api/billing/charges")).EnumerateArray()
                    .FirstOrDefault(c => c.GetProperty("appointmentId").GetGuid() == id.Value),
                c => c.ValueKind == JsonValueKind.Object && c.GetProperty("status").GetString() == "released", "the release");
            seen.Enqueue(("charge.status", charge.GetProperty("status").GetString()));
            seen.Enqueue(("charge.payerType", charge.GetProperty("payerType").GetString()));
            seen.Enqueue(("charge.unbillableReason", charge.GetProperty("unbillableReason").GetString()));
            var detail = await staff.GetFromJsonAsync<JsonElement>($"/api/billing/charges/{charge.GetProperty("id").GetGuid()}");
            foreach (var attempt in detail.GetProperty("attempts").EnumerateArray())
            {
                seen.Enqueue(("attempt.kind", attempt.GetProperty("kind").GetString()));
                seen.Enqueue(("attempt.status", attempt.GetProperty("status").GetString()));
            }
            foreach (var entry in detail.GetProperty("timeline").EnumerateArray())
            {
                seen.Enqueue(("charge timeline kind", entry.GetProperty("kind").GetString()));
            }
        }
        await using (var db = await app.DatabaseAsync())
        {
            foreach (var (kind, detail) in await db.QueryAsync<(string, string?)>(
                         "SELECT kind, detail FROM rooms.timeline WHERE appointment_id = @id ORDER BY seq", new { id = id.Value }))
            {
                seen.Enqueue(("rooms.timeline.kind", kind));
                if (detail is not null)
                {
                    seen.Enqueue(($"rooms.timeline.detail ({kind})", detail));
                }
            }
        }

        var values = seen.ToList();
        Assert.All(values, v => Assert.True(v.Value is not null && SnakeCase().IsMatch(v.Value), $"{v.Where} = '{v.Value}' is not snake_case"));
        Assert.Contains(("ConsultationEnded.reason", "ended_by_practitioner"), values);
        Assert.Contains(("ParticipantLeft.reason", "left"), values);
        Assert.Contains(("ParticipantLeft.reason", "connection_lost"), values);
        Assert.Contains(("ParticipantLeft.reason", "grace_expired"), values);
        Assert.Contains(("Admit.consultationState", "in_progress"), values);
        Assert.Contains(("GET /api/appointments/{id} consultationState", "ended"), values);
        Assert.Contains(("charge.unbillableReason", "below_minimum_live_media"), values);
        Assert.Contains(("attempt.kind", "cancel"), values);
        Assert.Contains(("rooms.timeline.kind", "consultation_started"), values);
        Assert.Contains(("rooms.timeline.detail (ended)", "ended_by_practitioner"), values);
        Assert.Contains(("rooms.timeline.detail (left)", "grace_expired"), values);
    }

    [Fact]
    public async Task CancelledAppointment_EndReasonAndUnbillableReason_AreCodes()
    {
        var id = await app.CreateAppointmentAsync("pr-cancel", "pa-cancel");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-cancel", "practitioner"));
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        practitioner.On<Guid, string>("ConsultationEnded", (_, reason) => ended.TrySetResult(reason));
        await practitioner.InvokeAsync<JsonElement>("Join", id.Value);

        using (var scheduler = app.Http(app.Tokens.Issue("scheduler-1", "scheduler")))
        {
            (await scheduler.DeleteAsync($"/api/appointments/{id.Value}")).EnsureSuccessStatusCode();
        }

        Assert.Equal("appointment_cancelled", await ended.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await using var db = await app.DatabaseAsync();
        var stored = await db.QuerySingleAsync<(string EndReason, string UnbillableReason)>(
            "SELECT end_reason, unbillable_reason FROM rooms.consultations WHERE appointment_id = @id", new { id = id.Value });
        Assert.Equal(("appointment_cancelled", "appointment_cancelled"), stored);
        var payload = (await app.OutboxAsync(id)).Single(o => o.Kind == "ConsultationEnded").Payload;
        Assert.Contains("\"reason\": \"appointment_cancelled\"", payload, StringComparison.Ordinal);
        Assert.Contains("\"unbillableReason\": \"appointment_cancelled\"", payload, StringComparison.Ordinal);
    }

    private void Participant(string where, JsonElement participant)
    {
        seen.Enqueue(($"{where}.kind", participant.GetProperty("kind").GetString()));
        seen.Enqueue(($"{where}.state", participant.GetProperty("state").GetString()));
    }

    private void View(string where, JsonElement view)
    {
        seen.Enqueue(($"{where}.consultationState", view.GetProperty("consultationState").GetString()));
        seen.Enqueue(($"{where}.myKind", view.GetProperty("myKind").GetString()));
        seen.Enqueue(($"{where}.myState", view.GetProperty("myState").GetString()));
        foreach (var p in view.GetProperty("participants").EnumerateArray())
        {
            Participant($"{where}.participants", p);
        }
    }
}
