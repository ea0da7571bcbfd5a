using Doctolib.Telehealth.Billing;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling;
using Doctolib.Telehealth.Signaling.Hosting;

if (args.Length > 0 && args[0] == HealthProbe.Argument)
{
    return await HealthProbe.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddTelehealthLogging();
try
{
    await builder.AddTelehealthDatabaseAsync();
}
catch (EmbeddedPostgresException error)
{
    Console.Error.WriteLine(error.Message);
    return 1;
}

try
{
    builder.AddTelehealthAuth();
}
catch (InvalidOperationException error)
{
    Console.Error.WriteLine(error.Message);
    return 1;
}
builder.Services.AddMedia(builder.Configuration);
builder.Services.AddRooms(builder.Configuration);
builder.Services.AddBilling(builder.Configuration);
builder.AddSignaling();

var app = builder.Build();
await app.Services.MigrateRoomsAsync(app.Lifetime.ApplicationStopping);
await app.Services.MigrateBillingAsync(app.Lifetime.ApplicationStopping);
app.UseTelehealthPipeline();
app.MapSignaling();
app.MapBillingApi();
await app.SeedDemoDataAsync();
await app.RunAsync();
return 0;

/// <summary>The host's entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
