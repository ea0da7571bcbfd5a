namespace Doctolib.Telehealth.Signaling;

/// <summary>The web pages: each path serves its built page from wwwroot; the page reads its token from the URL
/// fragment and removes it.</summary>
internal static class PageEndpoints
{
    public static void MapPages(this WebApplication app)
    {
        // HEAD as well as GET: link checkers and uptime probes ask for a page's headers only.
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/visit/{appointmentId:guid}", methods, (Guid appointmentId, IWebHostEnvironment env) => Page(env, "visit.html")).AllowAnonymous();
        app.MapMethods("/practitioner", methods, (IWebHostEnvironment env) => Page(env, "practitioner.html")).AllowAnonymous();
        app.MapMethods("/billing", methods, (IWebHostEnvironment env) => Page(env, "billing.html")).AllowAnonymous();
    }

    private static IResult Page(IWebHostEnvironment env, string file)
    {
        var page = env.WebRootFileProvider.GetFileInfo(file);
        return page.Exists && page.PhysicalPath is not null
            ? Results.File(page.PhysicalPath, "text/html; charset=utf-8")
            : Problems.Result(503, "pages-not-built", "Pages not built",
                "The web client has not been built: run `npm ci && npm run build` in src/Signaling/ClientApp.");
    }
}
