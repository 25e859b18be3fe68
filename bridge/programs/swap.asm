; swap (ANC): exchange list[p] and list[q], p = mem[0], q = mem[1], list at mem[2..]
.machine M=10 R=5
.init r0=0 r1=1 r4=2
       r0 = READ r0        ; p
       r0 = ADD r0, r4     ; address of list[p]
       r1 = READ r1        ; q
       r1 = ADD r1, r4     ; address of list[q]
       r2 = READ r0
       r3 = READ r1
       WRITE r0, r3
       WRITE r1, r2
       STOP
