import json,re,glob
D='/work/blind/documents/'
ents=[json.loads(l) for l in open('/work/blind/inventories/entities.jsonl')]
alias=[]
for e in ents:
    for a in e['aliases']:
        alias.append((a,e['entity_id'],e['type']))
# extra surface forms (misspellings/glued) handled manually
extra={'003_3161f8562ff43925':[('Rustem umerov','rustem-umerov','PER')]}
alias.sort(key=lambda x:-len(x[0]))
def run(doc):
    t=open(D+doc+'.txt',encoding='utf-8').read()
    taken=[False]*len(t); ms=[]
    for a,eid,ty in extra.get(doc,[])+alias:
        for m in re.finditer(re.escape(a),t):
            s,e=m.start(),m.end()
            # word boundary on left; right boundary unless glued known cases
            if s>0 and t[s-1].isalnum(): continue
            if e<len(t) and t[e].isalnum() and a not in ('putin','Rustem umerov') and not (a in('Russian','Ukrainian') and False):
                # allow plural handled by separate alias
                continue
            if any(taken[s:e]): continue
            for i in range(s,e): taken[i]=True
            ms.append(dict(start=s,end=e,text=t[s:e],type=ty,kind='NAM',entity_id=eid))
    return t,ms
if __name__=='__main__':
    for f in sorted(glob.glob(D+'*.txt')):
        doc=f.split('/')[-1][:-4]
        t,ms=run(doc)
        ms.sort(key=lambda m:(m['start'],-m['end']))
        print(doc, [(m['text'],m['entity_id'],m['start']) for m in ms])
