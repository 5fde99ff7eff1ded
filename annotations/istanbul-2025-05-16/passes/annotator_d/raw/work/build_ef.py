import json
from common import *
ms={json.loads(l)['doc_id']:json.loads(l)['mentions'] for l in open('mentions_aux.jsonl',encoding='utf-8')}
types={json.loads(l)['entity_id']:json.loads(l)['type'] for l in open('/work/blind/inventories/entities.jsonl')}
# cast entities: (main_role, fine_roles, portrayal, evidence sentence ids)
CAST={
'000':{'volodymyr-zelenskyy':('antagonist',['Tyrant'],'negative',['s1']),
       'donald-trump':('protagonist',['Peacemaker'],'positive',['s10','s14','s19'])},
'001':{},
'002':{'hakan-fidan':('protagonist',['Peacemaker'],'positive',['s7','s9'])},
'003':{},
'004':{'ukraine':('innocent',['Victim'],'positive',['s10']),
       'kremlin':('antagonist',['Saboteur'],'negative',['s10']),
       'moscow':('antagonist',['Deceiver','Saboteur'],'negative',['s17']),
       'hakan-fidan':('protagonist',['Peacemaker'],'positive',['s8'])},
}
rows=[]
for doc in DOCS:
    k=doc[:3]; cast=CAST[k]
    order=[]
    for m in ms[doc]:
        e=m['entity_id']
        if e and types[e] in ('PER','ORG','GPE') and e not in order: order.append(e)
    ents=[]
    for e in order:
        em=[m for m in ms[doc] if m['entity_id']==e]
        if e in cast:
            role,fine,por,sids=cast[e]
            ev=[m['id'] for m in em if sent_of(doc,m['start']) in sids]
            assert ev,(doc,e)
            ents.append({'entity_id':e,'main_role':role,'fine_roles':fine,'portrayal':por,'evidence':ev})
        else:
            ents.append({'entity_id':e,'main_role':'none','fine_roles':[],'portrayal':'neutral','evidence':[em[0]['id']]})
    for e in cast: assert e in order,(doc,e)
    rows.append({'doc_id':doc,'entities':ents})
with open('/work/blind/pass/entity_frames.jsonl','w',encoding='utf-8') as f:
    for r in rows: f.write(json.dumps(r,ensure_ascii=False)+'\n')
for r in rows: print(r['doc_id'],len(r['entities']),[ (x['entity_id'],x['main_role'],x['evidence']) for x in r['entities'] if x['main_role']!='none'])
