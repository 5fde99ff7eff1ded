import json
from common import *
from mentions_aux import run
# NOMs: (doc key, surface, sid, entity)
NOMS=[('000','Russia’s chief negotiator','s4','vladimir-medinsky'),
('000','The Russian official','s6','vladimir-medinsky'),
('000','The President','s11','donald-trump'),
('001','Russia’s chief negotiator','s3','vladimir-medinsky'),
('001','the head of Kiev’s delegation','s7','rustem-umerov'),
('001','his Russian counterpart','s8','vladimir-putin'),
('001','the Ukrainian leader','s10','volodymyr-zelenskyy'),
('002','a senior aide to President Vladimir Putin','s6','vladimir-medinsky'),
('002','chief Ukrainian delegate','s18','rustem-umerov'),
('002','an aide to President Vladimir Putin','s19','vladimir-medinsky'),
('002','Ukraine’s first deputy foreign minister','s20','serhiy-kyslytsya'),
('003','the Russian negotiator','s6','vladimir-medinsky'),
('003','the head of the Ukrainian delegation','s7','rustem-umerov'),
('003','the Minister of Defense','s7','rustem-umerov'),
('003','The Ukrainian leader','s10','volodymyr-zelenskyy'),
('003','the Russian negotiator','s14','vladimir-medinsky'),
('003','the Russian President','s16','vladimir-putin'),
('004','Ukraine’s Defense Minister','s13','rustem-umerov'),
('004','Russia’s delegation head','s15','vladimir-medinsky'),
('004','a presidential aide','s15','vladimir-medinsky'),
]
out=[]
for doc in DOCS:
    t,ms=run(doc)
    for k,sfc,sid,eid in NOMS:
        if doc.startswith(k):
            sp=span(doc,sfc,sid)
            ms.append(dict(start=sp['start'],end=sp['end'],text=sfc,type='PER',kind='NOM',entity_id=eid))
    ms.sort(key=lambda m:(m['start'],-m['end']))
    for i,m in enumerate(ms): m['id']=f'm{i+1}'
    ms=[{'id':m['id'],**{k:m[k] for k in ('start','end','text','type','kind','entity_id')}} for m in ms]
    out.append({'doc_id':doc,'mentions':ms})
with open('/work/blind/pass/work/mentions_aux.jsonl','w',encoding='utf-8') as f:
    for r in out: f.write(json.dumps(r,ensure_ascii=False)+'\n')
for r in out:
    print(r['doc_id'],len(r['mentions']))
