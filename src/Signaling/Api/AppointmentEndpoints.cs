using System.Text.Json;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;

namespace Doctolib.Telehealth.Signaling;

/// <summary>The scheduling system's API (<c>/api/appointments/{id}</c>, role scheduler) and the practitioner's
/// day list (<c>/api/practitioner/appointments</c>).</summary>
internal static class AppointmentEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new SafeStringConverter() } };

    public static void MapAppointments(this IEndpointRouteBuilder app)
    {
        var scheduler = app.MapGroup("/api/appointments").RequireAuthorization(Roles.Scheduler);
        scheduler.MapPut("/{id:guid}", PutAsync);
        scheduler.MapDelete("/{id:guid}", async (Guid id, IAppointments appointments, CancellationToken ct) =>
            await appointments.CancelAsync(new AppointmentId(id), ct)
                ? Results.NoContent()
                : Problems.Result(404, RoomErrors.AppointmentNotFound, "Not found", $"There is no appointment {id}."));
        scheduler.MapGet("/{id:guid}", async (Guid id, IAppointments appointments, CancellationToken ct) =>
            await appointments.GetAsync(new AppointmentId(id), ct) is { } found
                ? Results.Ok(AppointmentView.From(found))
                : Problems.Result(404, RoomErrors.AppointmentNotFound, "Not found", $"There is no appointment {id}."));

        app.MapGet("/api/practitioner/appointments", async (
            DateOnly? date, HttpContext http, IAppointments appointments, TimeProvider time, CancellationToken ct) =>
        {
            var day = date ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            if (day.Year is < 2000 or > 9000)
            {
                return Problems.Result(400, "invalid-parameter", "Invalid parameter", "'date' must be a day between the years 2000 and 9000 (YYYY-MM-DD).",
                    new Dictionary<string, string[]> { ["date"] = ["Must be a day between the years 2000 and 9000."] });
            }
            var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var list = await appointments.ListForPractitionerAsync(http.User.ToCaller().Id, from, from.AddDays(1), ct);
            return Results.Ok(list.Select(AppointmentView.ForPractitioner));
        }).RequireAuthorization(Roles.Practitioner);
    }

    private static async Task<IResult> PutAsync(Guid id, HttpRequest request, IAppointments appointments, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return Problems.Result(415, "unsupported-media-type", "Unsupported media type", "Send the appointment as JSON with Content-Type: application/json.");
        }
        AppointmentBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<AppointmentBody>(request.Body, Json, ct);
        }
        catch (JsonException error)
        {
            return Problems.Result(400, "invalid-json", "The body is not valid JSON",
                $"The JSON could not be read at {error.Path ?? "$"} (line {error.LineNumber + 1}).");
        }
        if (body is null)
        {
            return Problems.Result(400, "invalid-appointment", "Invalid appointment", "The body is empty.");
        }
        var (appointment, errors) = body.Validate();
        if (appointment is null)
        {
            return Problems.Result(400, "invalid-appointment", "Invalid appointment",
                "Some fields are missing or invalid: " + string.Join(", ", errors.Keys) + ".", errors);
        }
        var outcome = await appointments.UpsertAsync(new AppointmentId(id), appointment, ct);
        var stored = AppointmentView.From((await appointments.GetAsync(new AppointmentId(id), ct))!);
        return outcome == UpsertOutcome.Created
            ? Results.Created($"/api/appointments/{id}", stored)
            : Results.Ok(stored);
    }
}
