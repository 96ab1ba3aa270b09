/**
 * The page's inline style and script. Both are inline so the file opens from an email
 * attachment or an S3 link with no network request (the page's CSP forbids any).
 */

/** Screen and print style. Meaning is carried by text and shape; colour only repeats it. */
export const STYLE = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--bad:#b3261e;--warn:#8a5a00;--ok:#1a7f37;--na:#6e7781;--accent:#0a58ca}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:16px 24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:20px 0 6px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:1px 4px;border-radius:3px;word-break:break-all}
.meta{color:var(--muted);margin:0 0 10px}
.score{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:10px 0}
.score li{border:1px solid var(--line);border-radius:6px;padding:6px 10px;min-width:92px}
.score b{display:block;font-size:20px}
.score .hot{border-color:var(--bad);border-width:2px}
table.data{border-collapse:collapse;width:100%;margin:6px 0 12px}
table.zones,table.overview{width:auto;min-width:50%}
table.data caption{text-align:left;color:var(--muted);padding:2px 0}
table.data th,table.data td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
table.data thead th{background:#f6f8fa}
.sev,.status{font-weight:600;white-space:nowrap}
.sev-CRITICAL,.sev-HIGH{color:var(--bad)}.sev-MEDIUM{color:var(--warn)}
.st-FAILED{color:var(--bad)}.st-PASSED{color:var(--ok)}.st-NOT_APPLICABLE{color:var(--na)}
.st-FAILED::before{content:"\\2716  "}.st-PASSED::before{content:"\\2714  "}.st-NOT_APPLICABLE::before{content:"\\2013  "}
.zone-serving{background:#dafbe1}.zone-subnet-only{background:#fff8c5}.zone-none{background:#ffebe9}
.zone-serving::before{content:"\\25CF  "}.zone-subnet-only::before{content:"\\25D0  "}.zone-none::before{content:"\\25CB  "}
.cluster{border:1px solid var(--line);border-radius:8px;padding:4px 14px 8px;margin:12px 0;break-inside:avoid}
.cluster h3 small{font-weight:400;color:var(--muted)}
svg.timeline{max-width:100%;height:auto;display:block}
svg text{font:11px system-ui,sans-serif;fill:var(--fg)}
svg .axis,svg .rule-label{fill:var(--muted)}
svg .cell{fill:#f6f8fa;stroke:#eaeef2;stroke-width:.5}
svg .m-ready{fill:#2f6feb}
svg .m-many{fill:#1a3f99}
svg .m-pending{stroke:var(--bad);stroke-width:2;fill:none}
svg .m-other{fill:none;stroke:var(--warn);stroke-width:1.5}
svg .retention{stroke:var(--ok);stroke-width:2;stroke-dasharray:3 2}
svg .cutoff{stroke:var(--bad);stroke-width:2}
.filters{border:1px solid var(--line);border-radius:6px;padding:6px 12px;margin:8px 0}
.filters fieldset{border:0;display:inline-block;margin:0 16px 0 0;padding:0}
.filters legend{font-weight:600;padding:0}
.filters label{margin-right:10px;white-space:nowrap}
details{margin:4px 0}
a{color:var(--accent)}
.errors{border:2px solid var(--bad);padding:6px 12px;border-radius:6px}
@media print{
  body{max-width:none;padding:0;font-size:11px}
  .filters{display:none}
  .cluster,table.data tr{break-inside:avoid}
  details>summary{display:none}
  details::details-content{content-visibility:visible;display:block}
  a{color:inherit;text-decoration:none}
  a[href]::after{content:" (" attr(href) ")";font-size:9px;color:var(--muted)}
}
`;

/**
 * The findings filter: the form is `hidden` in the HTML and shown only by this script, so with
 * JavaScript off every row stays visible. A row shows when its severity and its status are both ticked.
 */
export const SCRIPT = `
(function(){
  var form=document.getElementById('filters');
  var table=document.getElementById('findings');
  if(!form||!table)return;
  form.hidden=false;
  var rows=table.querySelectorAll('tbody tr');
  var count=document.getElementById('shown');
  function ticked(name){
    var on={};
    form.querySelectorAll('input[name="'+name+'"]').forEach(function(box){on[box.value]=box.checked;});
    return on;
  }
  function apply(){
    var sev=ticked('severity'),st=ticked('status'),shown=0;
    rows.forEach(function(row){
      var show=sev[row.dataset.severity]&&st[row.dataset.status];
      row.hidden=!show;
      if(show)shown++;
    });
    if(count)count.textContent=shown===rows.length?'':'('+shown+' of '+rows.length+' findings shown)';
  }
  // Printing opens every closed "as a table" section (browsers without details::details-content
  // print only its summary), and closes them again after.
  var opened=[];
  window.addEventListener('beforeprint',function(){
    document.querySelectorAll('details:not([open])').forEach(function(d){d.open=true;opened.push(d);});
  });
  window.addEventListener('afterprint',function(){opened.forEach(function(d){d.open=false;});opened=[];});
  form.addEventListener('change',apply);
  apply();
})();
`;
