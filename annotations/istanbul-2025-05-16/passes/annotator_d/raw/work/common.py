import json,glob
D='/work/blind/documents/'
DOCS=sorted(f.split('/')[-1][:-4] for f in glob.glob(D+'*.txt'))
def short(k):
    return [d for d in DOCS if d.startswith(k)][0]
def text(doc): return open(D+doc+'.txt',encoding='utf-8').read()
def seg(doc): return json.load(open(D+doc+'.segments.json',encoding='utf-8'))
def sent(doc,sid):
    for s in seg(doc)['sentences']:
        if s['id']==sid: return s
    raise KeyError(sid)
def span(doc,surface,sid=None,nth=0):
    t=text(doc)
    lo,hi=0,len(t)
    if sid:
        s=sent(doc,sid); lo,hi=s['start'],s['end']
    i=t.find(surface,lo)
    for _ in range(nth): i=t.find(surface,i+1)
    if i<0 or i+len(surface)>hi: raise ValueError(f'{doc} {sid} not found: {surface!r}')
    assert t[i:i+len(surface)]==surface and surface==surface.strip()
    return {'start':i,'end':i+len(surface),'text':surface}
def sent_of(doc,off):
    for s in seg(doc)['sentences']:
        if s['start']<=off<s['end']: return s['id']
