using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;

namespace Doctolib.Telehealth.Signaling;

/// <summary>With <c>Demo:Seed</c> on (the local run), creates an appointment starting now and prints ready-to-open
/// links for its patient, its practitioner and a billing user. The links carry tokens, so they go to the console
/// only, never to the log.</summary>
public static class DemoData
{
    public const string PractitionerId = "demo-practitioner";
    public const string PatientId = "demo-patient";

    public static async Task SeedDemoDataAsync(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>("Demo:Seed"))
        {
            return;
        }
        var time = app.Services.GetRequiredService<TimeProvider>();
        var issuer = app.Services.GetRequiredService<TokenIssuer>();
        var appointments = app.Services.GetRequiredService<IAppointments>();
        var id = new AppointmentId(Guid.CreateVersion7());
        var now = time.GetUtcNow();
        await appointments.UpsertAsync(id, new AppointmentRequest(
            new PersonId(PractitionerId), new PersonId(PatientId),
            new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero), 20,
            new Money(2500, "EUR"), new CardPayer("cus_demo", "pm_card_visa"), PractitionerName: "Dr Camille Martin"), CancellationToken.None);
        var lifetime = TimeSpan.FromHours(12);
        var baseUrl = (app.Configuration["Demo:BaseUrl"] ?? app.Configuration["urls"] ?? "http://127.0.0.1:5080").Split(';')[0].TrimEnd('/');
        var patient = issuer.Issue(PatientId, Roles.Patient, lifetime);
        var practitioner = issuer.Issue(PractitionerId, Roles.Practitioner, lifetime);
        var billing = issuer.Issue("demo-billing", Roles.Billing, lifetime);
        var scheduler = issuer.Issue("demo-scheduler", Roles.Scheduler, lifetime);
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
            $"""

            ==== Doctolib Telehealth is ready on {baseUrl} ====
            Demo appointment {id} starts now (20 min, 25.00 EUR, card payer).
              Patient:       {baseUrl}/visit/{id}#token={patient}
              Practitioner:  {baseUrl}/practitioner#token={practitioner}
              Billing staff: {baseUrl}/billing#token={billing}
            API tokens (Authorization: Bearer ...):
              scheduler:     {scheduler}
              practitioner:  {practitioner}
              patient:       {patient}
            Hub: {baseUrl}/hubs/consultation?access_token=<token>   Health: {baseUrl}/healthz
            ====

            """));
    }
}
